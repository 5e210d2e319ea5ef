"use client";
import { useLiveQuery } from "dexie-react-hooks";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, type ReactNode } from "react";
import type { InvitePreview } from "@/lib/client";
import { useClient } from "@/components/client/client-context";
import { conversationHref } from "@/components/conversations/navigation";
import { shortAddress } from "@/components/format/address";
import { GroupAvatar } from "@/components/group/group-avatar";
import { useName } from "@/components/names/use-name";
import { pendingInvite } from "@/components/session/storage";
import { buttonStyles } from "@/components/ui/button-styles";
import { Spinner } from "@/components/ui/spinner";
import { expiryLine } from "./invite-copy";

type Check =
  { kind: "checking" } | { kind: "bad"; message: string } | { kind: "ok"; preview: InvitePreview };

/**
 * /invite#token: checks the link (form, signature by the inviter's device, expiry), asks
 * "Join …'s group?", sends the request in a DM to the inviter, waits until the group arrives
 * and opens it, or says why it was refused.
 */
export function JoinInvite() {
  const { client } = useClient();
  const router = useRouter();
  // Rendered only in the browser, once the client opened (ClientProvider).
  const [token] = useState(() => window.location.hash.slice(1) || pendingInvite.get() || "");
  const [check, setCheck] = useState<Check>({ kind: "checking" });
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<string>();

  useEffect(() => {
    pendingInvite.set(null); // shown now: a later visit does not bounce here again
    client.invites.inspect(token).then(
      (preview) => setCheck({ kind: "ok", preview }),
      (err: unknown) =>
        setCheck({ kind: "bad", message: err instanceof Error ? err.message : String(err) }),
    );
  }, [client, token]);

  const inviteId = check.kind === "ok" ? check.preview.inviteId : undefined;
  const status = useLiveQuery(
    () => (inviteId ? client.invites.status(inviteId) : undefined),
    [client, inviteId],
  );
  const joinedId = status?.state === "joined" ? status.conversationId : undefined;
  useEffect(() => {
    if (joinedId) router.replace(conversationHref(joinedId));
  }, [joinedId, router]);

  if (check.kind === "checking") return <Card title="Checking the invite…" busy />;
  if (check.kind === "bad")
    return (
      <Card title="This invite can't be used">
        <p
          role="alert"
          data-testid="invite-problem"
          className="text-sm text-zinc-700 dark:text-zinc-300"
        >
          {check.message}
        </p>
        <Back />
      </Card>
    );
  const p = check.preview;
  if (p.alreadyMember || joinedId)
    return (
      <Card title="You're in this group" group={p}>
        <Link href={conversationHref(p.groupId)} className={buttonStyles.primary}>
          Open the group
        </Link>
      </Card>
    );
  if (status?.state === "refused")
    return (
      <Card title="You weren't added" group={p}>
        <p
          role="alert"
          data-testid="invite-refused"
          className="text-sm text-zinc-700 dark:text-zinc-300"
        >
          {status.message}
        </p>
        <Back />
      </Card>
    );
  if (status?.state === "waiting")
    return (
      <Card title="Waiting to be added" group={p} busy>
        <p data-testid="invite-waiting" className="text-sm text-zinc-600 dark:text-zinc-400">
          Your request went to <Inviter preview={p} /> in a direct message. Their app adds you as
          soon as one of their devices is online; the group opens here when it does.
        </p>
        <Back label="Wait in your conversations" />
      </Card>
    );
  return (
    <Card
      title={
        <>
          Join <Inviter preview={p} />
          &apos;s group?
        </>
      }
      group={p}
    >
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        {p.groupName
          ? "The group's name above was written into the link by the person who made it."
          : "The link doesn't say the group's name: you'll see it once you're in."}{" "}
        Joining sends them this invite in a direct message. {expiryLine(p.expiresAt)}.
      </p>
      {sendError && (
        <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-400">
          {sendError}
        </p>
      )}
      <div className="mt-5 flex flex-wrap gap-2">
        <button
          type="button"
          data-testid="join-invite"
          className={buttonStyles.primary}
          disabled={sending}
          onClick={() => {
            setSending(true);
            setSendError(undefined);
            client.invites
              .requestToJoin(token)
              .catch((err: unknown) =>
                setSendError(err instanceof Error ? err.message : String(err)),
              )
              .finally(() => setSending(false));
          }}
        >
          {sending && <Spinner />}
          Ask to join
        </button>
        <Link href="/conversations" className={buttonStyles.ghost}>
          Not now
        </Link>
      </div>
    </Card>
  );
}

function Inviter({ preview }: { preview: InvitePreview }) {
  const name = useName(preview.inviterAddress)?.name;
  return (
    <span data-testid="invite-inviter" title={preview.inviterAddress}>
      {name ?? shortAddress(preview.inviterAddress)}
    </span>
  );
}

function Back({ label = "Go to your conversations" }: { label?: string }) {
  return (
    <div className="mt-5">
      <Link href="/conversations" className={buttonStyles.secondary}>
        {label}
      </Link>
    </div>
  );
}

function Card({
  title,
  group,
  busy,
  children,
}: {
  title: ReactNode;
  group?: InvitePreview;
  busy?: boolean;
  children?: ReactNode;
}) {
  return (
    <main className="flex min-h-dvh items-center justify-center bg-zinc-50 p-4 dark:bg-zinc-950">
      <section
        aria-labelledby="invite-title"
        className="w-full max-w-md rounded-3xl border border-zinc-200 bg-white p-6 shadow-sm sm:p-8 dark:border-zinc-800 dark:bg-zinc-900"
      >
        <p className="text-sm font-medium text-indigo-600 dark:text-indigo-400">Group invite</p>
        {group && (
          <div className="mt-4 flex items-center gap-3">
            <GroupAvatar id={group.groupId} name={group.groupName} size="lg" />
            <p
              data-testid="invite-group-name"
              className="min-w-0 text-lg font-semibold break-words"
            >
              {group.groupName ? `“${group.groupName}”` : "A group"}
            </p>
          </div>
        )}
        <h1
          id="invite-title"
          className="mt-4 flex items-center gap-2 text-2xl font-semibold tracking-tight"
        >
          {busy && <Spinner />}
          <span>{title}</span>
        </h1>
        <div className="mt-3">{children}</div>
      </section>
    </main>
  );
}
