import type { ReactNode } from "react";
import { ClientProvider } from "@/components/client/client-provider";

// Signed-in pages: the Client comes from this browser's database (no wallet stack here).
export default function SignedInLayout({ children }: { children: ReactNode }) {
  return <ClientProvider>{children}</ClientProvider>;
}
