import { connectorsForWallets, type WalletList } from "@rainbow-me/rainbowkit";
import {
  coinbaseWallet,
  injectedWallet,
  walletConnectWallet,
} from "@rainbow-me/rainbowkit/wallets";
import { custom, type EIP1193RequestFn } from "viem";
import { mainnet } from "viem/chains";
import { createConfig } from "wagmi";
import { ephemeralWallet } from "./ephemeral-wallet";

const projectId = process.env.NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID ?? "";

// No public RPC: the app only needs accounts and signatures, and nothing may
// leave this machine (no balance, no ENS). Wallets sign through their own provider.
const offlineTransport = custom({
  request: (async ({ method }: { method: string }) => {
    throw new Error(`no RPC in this app (${method})`);
  }) as EIP1193RequestFn,
});

/**
 * Whether any wallet announces itself by EIP-6963 (MetaMask, Rabby, Coinbase, Brave, …
 * all do). Wallets answer the request synchronously, and wagmi's own discovery then
 * lists each one by its own name and icon.
 */
function eip6963WalletsPresent(): boolean {
  if (typeof window === "undefined") return false;
  let seen = false;
  const onAnnounce = () => (seen = true);
  window.addEventListener("eip6963:announceProvider", onAnnounce);
  window.dispatchEvent(new Event("eip6963:requestProvider"));
  window.removeEventListener("eip6963:announceProvider", onAnnounce);
  return seen;
}

export function makeWagmiConfig() {
  // RainbowKit's generic "Browser Wallet" (window.ethereum) only for an old wallet that does
  // not announce itself: next to the announced ones it is a nameless duplicate of one of them.
  const installed: WalletList[number]["wallets"] = eip6963WalletsPresent()
    ? [coinbaseWallet]
    : [injectedWallet, coinbaseWallet];
  if (projectId) installed.push(walletConnectWallet);
  const groups: WalletList = [
    { groupName: "Try it", wallets: [ephemeralWallet] },
    { groupName: "Installed", wallets: installed },
  ];
  const connectors = connectorsForWallets(groups, { appName: "Messenger", projectId });
  return createConfig({
    chains: [mainnet],
    connectors,
    transports: { [mainnet.id]: offlineTransport },
    // Every EIP-6963 wallet becomes a connector of its own (RainbowKit lists it under
    // "Installed" by name and icon).
    multiInjectedProviderDiscovery: true,
    ssr: true,
  });
}
