import type { ReactNode } from "react";
import { WalletProviders } from "@/components/wallet/wallet-providers";

// Only the pages that ask a wallet (/, /onboarding, /devices) carry the wallet stack.
export default function WalletLayout({ children }: { children: ReactNode }) {
  return <WalletProviders>{children}</WalletProviders>;
}
