import type { BrowserContext } from "@playwright/test";
import { privateKeyToAccount, generatePrivateKey, type PrivateKeyAccount } from "viem/accounts";

/**
 * A fake injected browser wallet: an EIP-1193 shim in the page, announced via EIP-6963
 * (by default as "MetaMask", io.metamask, and also set as window.ethereum), whose every
 * request is answered here, in the test, by a viem account. Several can be installed in
 * one context with different names (a person with MetaMask and Rabby).
 */
export type InjectedWallet = {
  readonly account: PrivateKeyAccount;
  readonly address: `0x${string}`;
  /** personal_sign / eth_signTypedData_v4 requests received so far (answered or refused). */
  readonly signatureRequests: number;
  /** While true, signature requests fail with EIP-1193 error 4001 (user rejected). */
  rejectSignatures: boolean;
  /** Whether the site was granted the account (eth_requestAccounts approved). */
  readonly approved: boolean;
};

type RpcRequest = { method: string; params?: unknown[] };
type RpcAnswer = { result?: unknown; error?: { code: number; message: string } };

export async function installInjectedWallet(
  context: BrowserContext,
  options: {
    privateKey?: `0x${string}`;
    rejectSignatures?: boolean;
    /** EIP-6963 identity: the name a wallet list must show, and its reverse-DNS id. */
    name?: string;
    rdns?: string;
    /** Also claim window.ethereum (the legacy single-wallet slot). */
    windowEthereum?: boolean;
    /** Icon colour, so two wallets in one list look apart in screenshots. */
    color?: string;
  } = {},
): Promise<InjectedWallet> {
  const name = options.name ?? "MetaMask";
  const rdns = options.rdns ?? "io.metamask";
  const binding = `__e2eInjectedWallet_${rdns.replace(/\W/g, "_")}`;
  const account = privateKeyToAccount(options.privateKey ?? generatePrivateKey());
  let approved = false;
  let signatureRequests = 0;
  const wallet = {
    account,
    address: account.address,
    rejectSignatures: options.rejectSignatures ?? false,
    get signatureRequests() {
      return signatureRequests;
    },
    get approved() {
      return approved;
    },
  };

  async function answer({ method, params = [] }: RpcRequest): Promise<RpcAnswer> {
    switch (method) {
      case "eth_chainId":
        return { result: "0x1" };
      case "net_version":
        return { result: "1" };
      case "eth_accounts":
        return { result: approved ? [account.address] : [] };
      case "eth_requestAccounts":
        approved = true;
        return { result: [account.address] };
      case "wallet_requestPermissions":
        approved = true;
        return { result: [{ parentCapability: "eth_accounts" }] };
      case "wallet_getPermissions":
        return { result: approved ? [{ parentCapability: "eth_accounts" }] : [] };
      case "wallet_revokePermissions":
        approved = false;
        return { result: null };
      case "wallet_switchEthereumChain":
        return { result: null };
      case "personal_sign":
      case "eth_signTypedData_v4": {
        signatureRequests += 1;
        if (wallet.rejectSignatures)
          return { error: { code: 4001, message: "User rejected the request." } };
        if (!approved)
          return {
            error: { code: 4100, message: "The requested account has not been authorized." },
          };
        if (method === "personal_sign") {
          const data = params[0] as `0x${string}`;
          return { result: await account.signMessage({ message: { raw: data } }) };
        }
        const typed = JSON.parse(params[1] as string);
        return { result: await account.signTypedData(typed) };
      }
      default:
        return { error: { code: 4200, message: `Unsupported method: ${method}` } };
    }
  }

  await context.exposeFunction(binding, async (json: string) =>
    JSON.stringify(await answer(JSON.parse(json))),
  );
  await context.addInitScript(
    ({ binding, name, rdns, windowEthereum, color }) => {
      type Listener = (...args: unknown[]) => void;
      const listeners = new Map<string, Set<Listener>>();
      const emit = (event: string, value: unknown) =>
        listeners.get(event)?.forEach((l) => l(value));
      const call = (window as unknown as Record<string, (json: string) => Promise<string>>)[
        binding
      ]!;
      const provider = {
        isMetaMask: false,
        async request({ method, params }: { method: string; params?: unknown[] }) {
          const out = JSON.parse(await call(JSON.stringify({ method, params }))) as RpcAnswer;
          if (out.error) {
            const err = new Error(out.error.message) as Error & { code: number };
            err.code = out.error.code;
            throw err;
          }
          if (method === "eth_requestAccounts") {
            emit("connect", { chainId: "0x1" });
            emit("accountsChanged", out.result);
          }
          return out.result;
        },
        on(event: string, fn: Listener) {
          if (!listeners.has(event)) listeners.set(event, new Set());
          listeners.get(event)!.add(fn);
          return provider;
        },
        removeListener(event: string, fn: Listener) {
          listeners.get(event)?.delete(fn);
          return provider;
        },
      };
      const info = {
        uuid: crypto.randomUUID(),
        name,
        rdns,
        icon:
          "data:image/svg+xml," +
          encodeURIComponent(
            `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="${color}"/></svg>`,
          ),
      };
      const announce = () =>
        window.dispatchEvent(
          new CustomEvent("eip6963:announceProvider", {
            detail: Object.freeze({ info, provider }),
          }),
        );
      window.addEventListener("eip6963:requestProvider", announce);
      announce();
      if (windowEthereum) (window as unknown as { ethereum: unknown }).ethereum = provider;
    },
    {
      binding,
      name,
      rdns,
      windowEthereum: options.windowEthereum ?? true,
      color: options.color ?? "#f6851b",
    },
  );
  return wallet;
}
