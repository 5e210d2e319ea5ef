import type { GroupUpdatedContent } from "@/lib/client";
import type { InboxLabel } from "@/components/group/inbox-labels";
import { timerSentence } from "@/components/disappearing/timer-copy";

/** What a group_updated:1.0 line carries. */
export type GroupUpdate = GroupUpdatedContent;

export function isGroupUpdate(content: unknown): content is GroupUpdate {
  const c = content as GroupUpdate | null;
  return (
    !!c &&
    typeof c.initiatedByInboxId === "string" &&
    Array.isArray(c.addedInboxes) &&
    Array.isArray(c.removedInboxes) &&
    Array.isArray(c.metadataFieldChanges)
  );
}

const list = (ids: string[], name: InboxLabel) => {
  const names = ids.map((id) => (name(id) === "You" ? "you" : name(id)));
  return names.length <= 2
    ? names.join(" and ")
    : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
};

/** Sentences for one applied group change, in the order they happened within the commit. */
export function describeGroupUpdate(u: GroupUpdate, name: InboxLabel): string[] {
  const who = name(u.initiatedByInboxId);
  const out: string[] = [];
  if (u.addedInboxes.length) out.push(`${who} added ${list(u.addedInboxes, name)}`);
  if (u.removedInboxes.length) out.push(`${who} removed ${list(u.removedInboxes, name)}`);
  for (const id of u.leftInboxes ?? [])
    out.push(name(id) === "You" ? "You left the group" : `${name(id)} left the group`);
  for (const f of u.metadataFieldChanges) {
    const v = f.newValue ?? "";
    if (f.fieldName === "group_name")
      out.push(v ? `${who} renamed the group “${v}”` : `${who} removed the group name`);
    else if (f.fieldName === "description")
      out.push(v ? `${who} changed the description` : `${who} removed the description`);
    else if (f.fieldName === "group_image_url_square")
      out.push(v ? `${who} changed the group image` : `${who} removed the group image`);
    // One line per timer change (its _from_ns companion says nothing a person needs).
    else if (f.fieldName === "message_disappear_in_ns") out.push(timerSentence(who, f.newValue));
  }
  if (u.addedAdminInboxes?.length) out.push(`${who} made ${list(u.addedAdminInboxes, name)} admin`);
  if (u.removedAdminInboxes?.length)
    out.push(`${who} removed ${list(u.removedAdminInboxes, name)} as admin`);
  if (u.addedSuperAdminInboxes?.length)
    out.push(`${who} made ${list(u.addedSuperAdminInboxes, name)} super admin`);
  if (u.removedSuperAdminInboxes?.length)
    out.push(`${who} removed ${list(u.removedSuperAdminInboxes, name)} as super admin`);
  return out;
}

/** A centred, quiet line in the thread: who changed what. */
export function GroupUpdateLine({ update, name }: { update: GroupUpdate; name: InboxLabel }) {
  const lines = describeGroupUpdate(update, name);
  if (lines.length === 0) return null;
  return (
    <li data-testid="group-update" className="my-2 flex flex-col items-center gap-0.5 text-center">
      {lines.map((l, i) => (
        <span
          key={i}
          className="max-w-[90%] rounded-full bg-zinc-100 px-3 py-1 text-xs text-zinc-600 dark:bg-zinc-800/80 dark:text-zinc-300"
        >
          {l}
        </span>
      ))}
    </li>
  );
}
