import type { Metadata } from "next";
import { UnlockView } from "@/components/unlock/unlock-view";

export const metadata: Metadata = { title: "Unlock · Messenger" };

// Under (wallet): unlocking (and turning sign to unlock on) asks the wallet for a signature.
export default function UnlockPage() {
  return <UnlockView />;
}
