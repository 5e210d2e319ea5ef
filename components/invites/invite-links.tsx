"use client";
import { useLiveQuery } from "dexie-react-hooks";
import { useState } from "react";
import type { GroupDetails, InviteLink } from "@/lib/client";
import { useClient } from "@/components/client/client-context";
import { buttonStyles, focusRing } from "@/components/ui/button-styles";
import { CopyButton } from "@/components/ui/copy-button";
import { Spinner } from "@/components/ui/spinner";
import { EXPIRY_CHOICES, USE_CHOICES, expiryLine, inviteUrl, usesLine } from "./invite-copy";

const field = `mt-1 w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900 ${focusRing}`;

/**
 * Group info → Invite link: make a link (expiry, optional use limit, optionally showing the
 * group's name), copy it, and see and revoke the links this inbox made for the group.
 */
export function InviteLinks({ groupId, details }: { groupId: string; details: GroupDetails }) {
  const { client } = useClient();
  const links = useLiveQuery(() => client.invites.list(groupId), [client, groupId]);
  const [expiry, setExpiry] = useState<number>(EXPIRY_CHOICES[2].ms);
  const [uses, setUses] = useState<number>(0);
  const [withName, setWithName] = useState(false);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  const [made, setMade] = useState<string>();

  const run = async (what: string, work: () => Promise<unknown>) => {
    setBusy(what);
    setError(undefined);
    try {
      await work();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(undefined);
    }
  };
  const active = links?.filter((l) => l.active) ?? [];
  const ended = links?.filter((l) => !l.active) ?? [];
  return (
    <div>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Anyone with the link can ask to join. Your app checks the link and adds them while one of
        your devices is online. The node never sees the link.
      </p>
      <form
        className="mt-4 grid grid-cols-1 gap-3 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          void run("create", async () => {
            const l = await client.invites.create(groupId, {
              expiresInMs: expiry,
              maxUses: uses,
              includeName: withName,
            });
            setMade(l.inviteId);
          });
        }}
      >
        <label className="text-sm font-medium">
          Expires after
          <select
            data-testid="invite-expiry"
            className={field}
            value={expiry}
            onChange={(e) => setExpiry(Number(e.target.value))}
          >
            {EXPIRY_CHOICES.map((c) => (
              <option key={c.ms} value={c.ms}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm font-medium">
          Who can join with it
          <select
            data-testid="invite-max-uses"
            className={field}
            value={uses}
            onChange={(e) => setUses(Number(e.target.value))}
          >
            {USE_CHOICES.map((c) => (
              <option key={c.uses} value={c.uses}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-start gap-2 text-sm sm:col-span-2">
          <input
            type="checkbox"
            data-testid="invite-include-name"
            className="mt-0.5 h-4 w-4 accent-indigo-600"
            checked={withName}
            disabled={!details.name}
            onChange={(e) => setWithName(e.target.checked)}
          />
          <span>
            Show the group&apos;s name to whoever opens the link
            <span className="block text-xs text-zinc-500 dark:text-zinc-400">
              {details.name
                ? "The name is written into the link itself, readable by anyone who has it."
                : "This group has no name."}
            </span>
          </span>
        </label>
        <div className="sm:col-span-2">
          <button
            type="submit"
            data-testid="create-invite"
            className={buttonStyles.primary}
            disabled={busy !== undefined}
          >
            {busy === "create" && <Spinner />}
            Create link
          </button>
        </div>
      </form>
      {error && (
        <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      <h3 className="mt-6 text-sm font-semibold">Active links · {active.length}</h3>
      {links === undefined ? (
        <p className="mt-2 text-zinc-400">
          <Spinner />
        </p>
      ) : active.length === 0 ? (
        <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">No active links.</p>
      ) : (
        <ul className="mt-2 space-y-2" data-testid="invite-list">
          {active.map((l) => (
            <LinkRow
              key={l.inviteId}
              link={l}
              fresh={l.inviteId === made}
              busy={busy === l.inviteId}
              onRevoke={() => void run(l.inviteId, () => client.invites.revoke(l.inviteId))}
            />
          ))}
        </ul>
      )}
      {ended.length > 0 && (
        <p className="mt-3 text-xs text-zinc-500 dark:text-zinc-400">
          {ended.length} revoked, expired or used-up {ended.length === 1 ? "link" : "links"}.
        </p>
      )}
    </div>
  );
}

function LinkRow({
  link,
  fresh,
  busy,
  onRevoke,
}: {
  link: InviteLink;
  fresh: boolean;
  busy: boolean;
  onRevoke: () => void;
}) {
  const url = inviteUrl(link.token);
  return (
    <li
      data-testid="invite-row"
      className={`rounded-xl border px-3 py-2 ${fresh ? "border-indigo-300 bg-indigo-50/60 dark:border-indigo-500/50 dark:bg-indigo-500/10" : "border-zinc-200 dark:border-zinc-800"}`}
    >
      <div className="flex items-center gap-2">
        <code
          data-testid="invite-url"
          className="min-w-0 flex-1 truncate text-xs text-zinc-700 dark:text-zinc-300"
          title={url}
        >
          {url}
        </code>
        <CopyButton value={url} label="invite link" />
      </div>
      <div className="flex items-center justify-between gap-2 text-xs text-zinc-500 dark:text-zinc-400">
        <span data-testid="invite-uses">
          {usesLine(link)} · {expiryLine(link.expiresAt)}
        </span>
        <button
          type="button"
          data-testid="revoke-invite"
          className={`${buttonStyles.ghost} px-2 py-1 text-xs`}
          disabled={busy}
          onClick={onRevoke}
        >
          {busy && <Spinner />}
          Revoke
        </button>
      </div>
    </li>
  );
}
