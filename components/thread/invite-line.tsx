import type { DecodedMessage } from "@/lib/client";
import type { InboxLabel } from "@/components/group/inbox-labels";
import { CT } from "./content-types";

// Short reasons for the thread line (the joiner's invite page shows the library's sentence).
const WHY: Record<string, string> = {
  expired: "it had expired",
  revoked: "it was revoked",
  used_up: "it was used up",
  invalid: "it wasn't valid",
  no_longer_valid: "it no longer works",
};

export const isInviteMessage = (m: DecodedMessage) =>
  m.contentType === CT.joinRequest || m.contentType === CT.joinReply;

/** A join request or an invite's automatic refusal, as a quiet line in the DM. */
export function InviteLine({ m, name }: { m: DecodedMessage; name: InboxLabel }) {
  const who = name(m.senderInboxId);
  const text =
    m.contentType === CT.joinRequest
      ? who === "You"
        ? "You asked to join a group with an invite link"
        : `${who} asked to join your group with an invite link`
      : `The invite was refused: ${WHY[(m.content as { refused?: string } | null)?.refused ?? ""] ?? "it wasn't valid"}`;
  return (
    <li data-testid="invite-line" className="my-2 flex justify-center text-center">
      <span className="max-w-[90%] rounded-full bg-zinc-100 px-3 py-1 text-xs text-zinc-600 dark:bg-zinc-800/80 dark:text-zinc-300">
        {text}
      </span>
    </li>
  );
}
