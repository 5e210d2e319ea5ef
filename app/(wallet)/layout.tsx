import type { ReactNode } from "react";
import { WalletProviders } from "@/components/wallet/wallet-providers";

// Only the public pages (/ and /onboarding) carry the wallet stack.
export default function WalletLayout({ children }: { children: ReactNode }) {
  return <WalletProviders>{children}</WalletProviders>;
}
