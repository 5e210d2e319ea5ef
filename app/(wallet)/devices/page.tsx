import type { Metadata } from "next";
import { DevicesView } from "@/components/devices/devices-view";

export const metadata: Metadata = { title: "Devices · Messenger" };

// Under (wallet): revoking a device needs a wallet signature.
export default function DevicesPage() {
  return <DevicesView />;
}
