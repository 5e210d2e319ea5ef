"use client";
import { useState } from "react";
import type { Group, GroupDetails, GroupMember } from "@/lib/client";
import { useClient } from "@/components/client/client-context";
import { shortAddress } from "@/components/format/address";
import { Avatar } from "@/components/ui/avatar";
import { focusRing } from "@/components/ui/button-styles";
import { Spinner } from "@/components/ui/spinner";
import { memberActions, type MemberAction } from "./member-actions";
import { ROLE_LABEL } from "./permission-copy";
import type { GroupAction } from "./use-group-action";

const ROLE_BADGE: Record<GroupMember["role"], string> = {
  super_admin: "bg-amber-100 text-amber-900 dark:bg-amber-500/15 dark:text-amber-300",
  admin: "bg-indigo-100 text-indigo-900 dark:bg-indigo-500/15 dark:text-indigo-300",
  member: "",
};

const RUN: Record<MemberAction["key"], (g: Group, inboxId: string) => Promise<void>> = {
  make_admin: (g, id) => g.addAdmin(id),
  remove_admin: (g, id) => g.removeAdmin(id),
  make_super_admin: (g, id) => g.addSuperAdmin(id),
  remove_super_admin: (g, id) => g.removeSuperAdmin(id),
  remove: (g, id) => g.removeMembers([id]),
};

/** Everyone in the group with their role; per member, the actions the policy allows me. */
export function GroupMembers({ details, action }: { details: GroupDetails; action: GroupAction }) {
  const { client } = useClient();
  const [open, setOpen] = useState<string>();
  return (
    <ul data-testid="group-members" aria-label="Members" className="-mx-2 mt-2">
      {details.members.map((m) => {
        const address = m.addresses[0];
        const me = m.inboxId === client.inboxId;
        const actions = details.active ? memberActions(details, m, client.inboxId) : [];
        const expanded = open === m.inboxId;
        return (
          <li
            key={m.inboxId}
            data-testid="group-member"
            data-role={m.role}
            data-inbox-id={m.inboxId}
            data-address={address}
            className="rounded-xl px-2 py-1.5"
          >
            <div className="flex items-center gap-3">
              <Avatar seed={address ?? m.inboxId} size="sm" />
              <span className="min-w-0 flex-1">
                <span className="block truncate font-mono text-sm" title={address}>
                  {shortAddress(address)}
                  {me && <span className="font-sans text-zinc-500 dark:text-zinc-400"> (you)</span>}
                </span>
              </span>
              {m.role !== "member" && (
                <span
                  className={`rounded-full px-2 py-0.5 text-xs font-medium ${ROLE_BADGE[m.role]}`}
                >
                  {ROLE_LABEL[m.role]}
                </span>
              )}
              {actions.length > 0 && (
                <button
                  type="button"
                  data-testid="member-menu"
                  aria-expanded={expanded}
                  aria-label={`Manage ${shortAddress(address)}`}
                  className={`rounded-full px-2.5 py-1 text-sm text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800 ${focusRing}`}
                  onClick={() => setOpen(expanded ? undefined : m.inboxId)}
                >
                  Manage
                </button>
              )}
            </div>
            {expanded && (
              <ul className="mt-2 mb-1 ml-11 flex flex-col gap-1">
                {actions.map((a) => (
                  <li key={a.key}>
                    <button
                      type="button"
                      data-testid={`member-${a.key.replaceAll("_", "-")}`}
                      disabled={a.blocked !== undefined || action.busy !== undefined}
                      aria-describedby={a.blocked ? `${m.inboxId}-${a.key}` : undefined}
                      className={`inline-flex items-center gap-2 rounded-lg px-2.5 py-1.5 text-sm font-medium disabled:cursor-not-allowed disabled:opacity-50 ${
                        a.danger
                          ? "text-red-700 hover:bg-red-50 dark:text-red-400 dark:hover:bg-red-500/10"
                          : "text-zinc-800 hover:bg-zinc-100 dark:text-zinc-200 dark:hover:bg-zinc-800"
                      } ${focusRing}`}
                      onClick={() =>
                        void action
                          .run(`${m.inboxId}:${a.key}`, (g) => RUN[a.key](g, m.inboxId))
                          .then((ok) => ok && setOpen(undefined))
                      }
                    >
                      {action.busy === `${m.inboxId}:${a.key}` && (
                        <Spinner className="h-3.5 w-3.5" />
                      )}
                      {a.label}
                    </button>
                    {a.blocked && (
                      <p
                        id={`${m.inboxId}-${a.key}`}
                        className="px-2.5 text-xs text-zinc-500 dark:text-zinc-400"
                      >
                        {a.blocked}
                      </p>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ul>
  );
}
