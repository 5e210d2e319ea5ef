import type { Metadata } from "next";
import { InvitePage } from "@/components/invites/invite-page";

export const metadata: Metadata = { title: "Group invite · Messenger" };

// Outside (signed-in): the link's # must be kept before a browser that is not signed in
// yet is sent to onboarding (see InvitePage).
export default function Invite() {
  return <InvitePage />;
}
