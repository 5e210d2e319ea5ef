"use client";
import { useEffect, useMemo, useRef, useState } from "react";
import type { Group, GroupDetails, GroupMember } from "@/lib/client";
import { useClient } from "@/components/client/client-context";
import { shortAddress } from "@/components/format/address";
import { useName } from "@/components/names/use-name";
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

/** Rows rendered at first, and added each time the end of the list scrolls into view. */
const PAGE = 60;
/** From this many members on, a filter box is offered. */
const FILTER_FROM = 12;

/** Members whose address or inbox ID contains the typed text (case-insensitive). */
function matching(members: GroupMember[], query: string): GroupMember[] {
  const q = query.trim().toLowerCase();
  if (!q) return members;
  return members.filter(
    (m) => m.inboxId.includes(q) || m.addresses.some((a) => a.toLowerCase().includes(q)),
  );
}

/**
 * Everyone in the group with their role; per member, the actions the policy allows me. A
 * group may hold 1,000 members: rows are rendered a page at a time as the list scrolls (and
 * the browser skips laying out those off screen), with a filter by address.
 */
export function GroupMembers({ details, action }: { details: GroupDetails; action: GroupAction }) {
  const { client } = useClient();
  const [open, setOpen] = useState<string>();
  const [query, setQuery] = useState("");
  const [limit, setLimit] = useState(PAGE);
  const shown = useMemo(() => matching(details.members, query), [details.members, query]);
  const more = useRef<HTMLLIElement>(null);
  const hasMore = shown.length > limit;
  useEffect(() => {
    const end = more.current;
    if (!end || !hasMore || typeof IntersectionObserver === "undefined") return;
    const watch = new IntersectionObserver(
      (seen) => seen.some((e) => e.isIntersecting) && setLimit((l) => l + PAGE),
      { rootMargin: "400px" },
    );
    watch.observe(end);
    return () => watch.disconnect();
  }, [hasMore, limit]);
  return (
    <>
      {details.members.length >= FILTER_FROM && (
        <input
          type="search"
          data-testid="member-filter"
          aria-label="Find a member by address"
          placeholder="Find a member by address"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setLimit(PAGE);
          }}
          className={`mt-2 w-full rounded-xl border border-zinc-200 bg-white px-3 py-2 text-sm placeholder:text-zinc-400 dark:border-zinc-700 dark:bg-zinc-900 ${focusRing}`}
        />
      )}
      {query && shown.length === 0 && (
        <p
          data-testid="member-filter-empty"
          className="mt-2 text-sm text-zinc-500 dark:text-zinc-400"
        >
          No member matches “{query.trim()}”.
        </p>
      )}
      <ul data-testid="group-members" aria-label="Members" className="-mx-2 mt-2">
        {shown.slice(0, limit).map((m) => {
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
              className="rounded-xl px-2 py-1.5 [contain-intrinsic-size:auto_44px] [content-visibility:auto]"
            >
              <div className="flex items-center gap-3">
                <MemberIdentity address={address} seed={address ?? m.inboxId} me={me} />
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
        {hasMore && (
          <li ref={more} className="px-2 py-1.5">
            <button
              type="button"
              data-testid="members-more"
              className={`rounded-lg px-2.5 py-1 text-sm text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800 ${focusRing}`}
              onClick={() => setLimit((l) => l + PAGE)}
            >
              Show more ({shown.length - limit} left)
            </button>
          </li>
        )}
      </ul>
    </>
  );
}

/** A member's avatar and name (verified ENS / Basename, then the address beside it), or address. */
function MemberIdentity({ address, seed, me }: { address?: string; seed: string; me: boolean }) {
  const known = useName(address);
  const you = me && <span className="font-sans text-zinc-500 dark:text-zinc-400"> (you)</span>;
  return (
    <>
      <Avatar seed={seed} size="sm" imageUrl={known?.avatarUrl} />
      <span className="min-w-0 flex-1">
        {known ? (
          <span className="flex min-w-0 items-baseline gap-1.5 text-sm" title={address}>
            {/* On a phone the name wins the room: the address beside it gives way first. */}
            <span data-testid="member-name" className="max-w-full shrink-0 truncate font-medium">
              {known.name}
            </span>
            <span className="min-w-0 truncate font-mono text-xs text-zinc-500 dark:text-zinc-400">
              {shortAddress(address)}
            </span>
            <span className="shrink-0">{you}</span>
          </span>
        ) : (
          <span className="block truncate font-mono text-sm" title={address}>
            {shortAddress(address)}
            {you}
          </span>
        )}
      </span>
    </>
  );
}
