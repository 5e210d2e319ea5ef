import type { Wallet } from "@rainbow-me/rainbowkit";
import { createConnector } from "wagmi";
import { EPHEMERAL_CONNECTED } from "@/components/session/storage";
import { ephemeralAccount, ephemeralProvider } from "./ephemeral-provider";

const ICON =
  "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 28 28"><rect width="28" height="28" rx="6" fill="#4f46e5"/><path d="M9 13V10a5 5 0 0 1 10 0v3" fill="none" stroke="#fff" stroke-width="2"/><rect x="7" y="13" width="14" height="9" rx="2" fill="#fff"/></svg>',
  );

const connected = () => localStorage.getItem(EPHEMERAL_CONNECTED) === "1";

/** A wagmi connector over the local test key; `isAuthorized` lets wagmi reconnect after a reload. */
function ephemeralConnector() {
  return createConnector((config) => {
    const provider = ephemeralProvider(ephemeralAccount, connected);
    return {
      id: "ephemeral",
      name: "Ephemeral wallet",
      type: "ephemeral",
      async connect(params) {
        localStorage.setItem(EPHEMERAL_CONNECTED, "1");
        const chainId = params?.chainId ?? config.chains[0].id;
        return { accounts: [ephemeralAccount().address] as never, chainId };
      },
      async disconnect() {
        localStorage.removeItem(EPHEMERAL_CONNECTED);
      },
      async getAccounts() {
        return connected() ? [ephemeralAccount().address] : [];
      },
      async getChainId() {
        return config.chains[0].id;
      },
      async getProvider() {
        return provider;
      },
      async isAuthorized() {
        return connected();
      },
      async switchChain({ chainId }) {
        const chain = config.chains.find((c) => c.id === chainId) ?? config.chains[0];
        config.emitter.emit("change", { chainId: chain.id });
        return chain;
      },
      onAccountsChanged() {},
      onChainChanged() {},
      onDisconnect() {
        config.emitter.emit("disconnect");
      },
    };
  });
}

/** RainbowKit entry: "Ephemeral wallet — a test key kept in this browser". */
export const ephemeralWallet = (): Wallet => ({
  id: "ephemeral",
  name: "Ephemeral wallet (local test key)",
  shortName: "Test key",
  iconUrl: ICON,
  iconBackground: "#4f46e5",
  installed: true,
  createConnector: (walletDetails) =>
    createConnector((config) => ({
      ...ephemeralConnector()(config),
      ...walletDetails,
    })),
});
