import type { Metadata } from "next";
import { BroadcastView } from "@/components/broadcast/broadcast-view";

export const metadata: Metadata = { title: "Broadcast · Messenger" };

export default function BroadcastPage() {
  return <BroadcastView />;
}
