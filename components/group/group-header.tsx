"use client";
import { useState, type ReactNode } from "react";
import type { GroupDetails } from "@/lib/client";
import { ThreadHeaderShell } from "@/components/thread/thread-header";
import { LockIcon } from "@/components/ui/icons";
import { GroupAvatar, groupTitle } from "./group-avatar";
import { GroupInfoDialog } from "./group-info-dialog";

/** A group's header: name and member count; a tap opens the group's info. */
export function GroupHeader({
  conversationId,
  name,
  details,
  actions,
}: {
  conversationId: string;
  name?: string;
  details: GroupDetails | undefined;
  /** Buttons at the end of the bar (e.g. mute). */
  actions?: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const title = groupTitle(details?.name ?? name);
  const count = details?.members.length;
  return (
    <>
      <ThreadHeaderShell
        avatar={<GroupAvatar id={conversationId} name={details?.name ?? name} size="sm" />}
        title={title}
        onOpen={details ? () => setOpen(true) : undefined}
        openLabel={`${title}: group info`}
        subtitle={
          <>
            <LockIcon className="h-3 w-3" />
            <span data-testid="group-member-count">
              {details?.active === false
                ? "You're not a member"
                : count === undefined
                  ? "Group"
                  : `${count} member${count === 1 ? "" : "s"}`}
            </span>
          </>
        }
      >
        {actions}
      </ThreadHeaderShell>
      {details && (
        <GroupInfoDialog
          open={open}
          onClose={() => setOpen(false)}
          conversationId={conversationId}
          details={details}
        />
      )}
    </>
  );
}
