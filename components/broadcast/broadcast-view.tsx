"use client";
import { SubPage } from "@/components/ui/sub-page";
import { useId, useMemo, useState } from "react";
import type { Attachment, BroadcastEntry, BroadcastProgress } from "@/lib/client";
import { parseRecipients } from "@/lib/client/broadcast/recipients";
import { MAX_FILES_PER_MESSAGE } from "@/lib/client/messages/file-limits";
import { useClient } from "@/components/client/client-context";
import { isClientError } from "@/components/client/errors";
import { buttonStyles, focusRing } from "@/components/ui/button-styles";
import { Spinner } from "@/components/ui/spinner";
import { useBroadcastProgress, useLatestBroadcast } from "./use-broadcast";

const field = `mt-1.5 w-full rounded-xl border border-zinc-300 bg-white px-3.5 py-2.5 text-base sm:text-sm dark:border-zinc-700 dark:bg-zinc-950 ${focusRing}`;

/** `/broadcast`: one message to many people, each in their own DM; progress; the report. */
export function BroadcastView() {
  const { client } = useClient();
  const job = useLatestBroadcast(client);
  const progress = useBroadcastProgress(job);
  // The latest broadcast shows (also one stored before a reload) unless a new one is asked for.
  const [composing, setComposing] = useState(false);
  return (
    <SubPage title="Broadcast" back={{ href: "/conversations", label: "Back to messages" }}>
      {composing || !progress ? (
        <BroadcastForm onStarted={() => setComposing(false)} />
      ) : (
        <BroadcastReport
          p={progress}
          onRetry={() => void job?.retryFailed()}
          onNew={() => setComposing(true)}
        />
      )}
    </SubPage>
  );
}

function BroadcastForm({ onStarted }: { onStarted: () => void }) {
  const { client } = useClient();
  const [to, setTo] = useState("");
  const [text, setText] = useState("");
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<string>();
  const [starting, setStarting] = useState(false);
  const parsed = useMemo(() => parseRecipients(to), [to]);
  const toId = useId();
  const textId = useId();
  const problemsId = useId();
  const ready =
    parsed.recipients.length > 0 &&
    parsed.problems.length === 0 &&
    (text.trim() !== "" || files.length > 0);

  async function start() {
    if (!ready || starting) return;
    setStarting(true);
    setError(undefined);
    try {
      const attachments: Attachment[] = await Promise.all(
        files.map(async (f) => ({
          filename: f.name,
          mimeType: f.type || "application/octet-stream",
          data: new Uint8Array(await f.arrayBuffer()),
        })),
      );
      client.broadcasts.start(parsed.recipients, {
        ...(text.trim() ? { text } : {}),
        ...(attachments.length ? { files: attachments } : {}),
      });
      onStarted();
    } catch (err) {
      setError(isClientError(err) ? err.message : "the broadcast could not start");
      setStarting(false);
    }
  }

  return (
    <form
      className="space-y-5 rounded-2xl bg-white p-4 shadow-sm sm:p-6 dark:bg-zinc-900"
      onSubmit={(e) => {
        e.preventDefault();
        void start();
      }}
    >
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        One message to many people. Each gets it in their own conversation with you; nobody sees who
        else got it. People you blocked are skipped.
      </p>
      <div>
        <label htmlFor={toId} className="text-sm font-medium">
          To
        </label>
        <textarea
          id={toId}
          data-testid="broadcast-recipients"
          rows={5}
          spellCheck={false}
          autoCapitalize="off"
          placeholder={"0x… , name.eth or inbox ID\none per line or separated by commas"}
          aria-describedby={problemsId}
          aria-invalid={parsed.problems.length > 0 ? true : undefined}
          value={to}
          onChange={(e) => setTo(e.target.value)}
          className={`${field} font-mono`}
        />
        <div id={problemsId} className="mt-1.5 text-sm">
          {parsed.problems.length > 0 ? (
            <ul role="alert" data-testid="broadcast-problems" className="space-y-0.5">
              {parsed.problems.map((p, i) => (
                <li key={i} className="text-red-700 dark:text-red-400">
                  <span className="font-mono break-all">{p.input}</span>: {p.reason}
                </li>
              ))}
            </ul>
          ) : (
            <span data-testid="broadcast-count" className="text-zinc-500">
              {parsed.recipients.length === 1
                ? "1 recipient"
                : `${parsed.recipients.length} recipients`}
            </span>
          )}
        </div>
      </div>
      <div>
        <label htmlFor={textId} className="text-sm font-medium">
          Message
        </label>
        <textarea
          id={textId}
          data-testid="broadcast-text"
          rows={4}
          value={text}
          onChange={(e) => setText(e.target.value)}
          className={field}
        />
      </div>
      <div className="text-sm">
        <label className="font-medium">
          Files{" "}
          <span className="font-normal text-zinc-500">
            (optional, up to {MAX_FILES_PER_MESSAGE})
          </span>
          <input
            type="file"
            multiple
            data-testid="broadcast-files"
            className="mt-1.5 block w-full text-sm"
            onChange={(e) => setFiles([...(e.target.files ?? [])])}
          />
        </label>
      </div>
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          Not sent: {error}.
        </p>
      )}
      <div className="flex justify-end">
        <button
          type="submit"
          data-testid="broadcast-send"
          className={buttonStyles.primary}
          disabled={!ready || starting}
        >
          {starting && <Spinner />}
          {parsed.recipients.length > 1 ? `Send to ${parsed.recipients.length} people` : "Send"}
        </button>
      </div>
    </form>
  );
}

const SKIPPED: Record<string, string> = {
  blocked_by_you: "skipped: you blocked them",
  not_on_network: "skipped: not on the network",
  yourself: "skipped: that is you",
};

function outcome(e: BroadcastEntry): string {
  if (e.status === "sent") return "sent";
  if (e.status === "skipped") return SKIPPED[e.skip ?? ""] ?? "skipped";
  if (e.status === "failed") return `failed: ${e.reason ?? "unknown error"}`;
  if (e.status === "sending") return e.reason ?? "sending…";
  return "waiting";
}

const TONE: Record<string, string> = {
  sent: "text-emerald-700 dark:text-emerald-400",
  skipped: "text-zinc-500",
  failed: "text-red-700 dark:text-red-400",
  sending: "text-indigo-700 dark:text-indigo-300",
  waiting: "text-zinc-400",
};

function BroadcastReport({
  p,
  onRetry,
  onNew,
}: {
  p: BroadcastProgress;
  onRetry: () => void;
  onNew: () => void;
}) {
  const pct = p.total ? Math.round((p.done / p.total) * 100) : 0;
  // Stopped by a reload and not resumed here (yet): the syncing tab picks it up.
  const paused = !p.running && p.entries.some((e) => e.status === "waiting");
  const title = p.running
    ? `Sending… ${p.done} of ${p.total}`
    : paused
      ? `Paused: ${p.done} of ${p.total}`
      : `Done: ${p.done} of ${p.total}`;
  return (
    <section
      data-testid="broadcast-report"
      data-running={p.running ? "true" : "false"}
      className="space-y-4 rounded-2xl bg-white p-4 shadow-sm sm:p-6 dark:bg-zinc-900"
    >
      <div>
        <div className="flex items-baseline justify-between gap-2">
          <h2 className="font-semibold" data-testid="broadcast-progress">
            {title}
          </h2>
          {p.running && <Spinner />}
        </div>
        <span
          role="progressbar"
          aria-label="Broadcast progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
          className="mt-2 block h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
        >
          <span
            className="block h-full rounded-full bg-indigo-600 transition-[width] dark:bg-indigo-400"
            style={{ width: `${Math.max(2, pct)}%` }}
          />
        </span>
        <p
          className="mt-2 text-sm text-zinc-600 dark:text-zinc-400"
          data-testid="broadcast-summary"
        >
          {p.sent} sent · {p.skipped} skipped · {p.failed} failed
          {p.rateLimited > 0 && ` · slowed down ${p.rateLimited}× for the node's rate limit`}
        </p>
        <p className="mt-1 text-xs text-zinc-500" data-testid="broadcast-started">
          Started {new Date(p.createdAt).toLocaleString()}
          {paused && " · it carries on where it stopped once the app is syncing again"}
        </p>
      </div>
      <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
        {p.entries.map((e, i) => (
          <li
            key={i}
            data-testid="broadcast-entry"
            data-status={e.status}
            className="flex flex-col gap-0.5 py-2 sm:flex-row sm:items-baseline sm:justify-between sm:gap-4"
          >
            <span className="min-w-0 truncate font-mono text-xs sm:text-sm">{e.input}</span>
            <span className={`shrink-0 ${TONE[e.status] ?? ""}`}>{outcome(e)}</span>
          </li>
        ))}
      </ul>
      {!p.running && !paused && (
        <div className="flex flex-wrap justify-end gap-2">
          {p.failed > 0 && (
            <button
              type="button"
              data-testid="broadcast-retry"
              className={buttonStyles.secondary}
              onClick={onRetry}
            >
              Retry {p.failed} failed
            </button>
          )}
          <button
            type="button"
            data-testid="broadcast-new"
            className={buttonStyles.primary}
            onClick={onNew}
          >
            New broadcast
          </button>
        </div>
      )}
    </section>
  );
}
