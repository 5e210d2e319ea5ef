import type { ReactNode } from "react";
import { LazyWalletProviders } from "@/components/wallet/wallet-stack";

// Only the pages that ask a wallet (/, /onboarding, /devices, /unlock) carry the wallet
// stack, and the landing page only once it is idle or asked (wallet-stack.tsx).
export default function WalletLayout({ children }: { children: ReactNode }) {
  return <LazyWalletProviders>{children}</LazyWalletProviders>;
}
