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

export function makeWagmiConfig() {
  const groups: WalletList = [
    { groupName: "Try it", wallets: [ephemeralWallet] },
    {
      groupName: "Installed",
      wallets: projectId
        ? [injectedWallet, coinbaseWallet, walletConnectWallet]
        : [injectedWallet, coinbaseWallet],
    },
  ];
  const connectors = connectorsForWallets(groups, { appName: "Messenger", projectId });
  return createConfig({
    chains: [mainnet],
    connectors,
    transports: { [mainnet.id]: offlineTransport },
    ssr: true,
  });
}
