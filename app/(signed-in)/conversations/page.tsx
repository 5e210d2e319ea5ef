import { Suspense } from "react";
import { MessengerShell } from "@/components/conversations/messenger-shell";

export default function ConversationsPage() {
  return (
    <Suspense>
      <MessengerShell />
    </Suspense>
  );
}
