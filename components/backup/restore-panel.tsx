"use client";
import { useId, useState } from "react";
import type { BackupProgress, RestoreSummary } from "@/lib/client";
import { useClient } from "@/components/client/client-context";
import { count } from "./export-panel";
import { PanelActions } from "./panel-actions";
import { PanelStart } from "./panel-start";
import { PassphraseField } from "./passphrase-field";
import { ProgressLine } from "./progress-line";

type State =
  | { step: "closed" }
  | { step: "form"; error?: string }
  | { step: "working"; progress: BackupProgress | "starting" }
  | { step: "done"; summary: RestoreSummary };

/** "Restore from backup": file, passphrase, progress, then what it held and what was new. */
export function RestorePanel() {
  const { client } = useClient();
  const [state, setState] = useState<State>({ step: "closed" });
  const [file, setFile] = useState<File>();
  const [pass, setPass] = useState("");
  const fileId = useId();

  const run = async () => {
    if (!file) return;
    setState({ step: "working", progress: "starting" });
    try {
      const summary = await client.backups.restore(file, pass, {
        onProgress: (progress) => setState({ step: "working", progress }),
      });
      setPass("");
      setFile(undefined);
      setState({ step: "done", summary });
    } catch (err) {
      setState({ step: "form", error: err instanceof Error ? err.message : String(err) });
    }
  };

  if (state.step === "closed" || state.step === "done")
    return (
      <PanelStart
        text={
          state.step === "done"
            ? summaryText(state.summary)
            : "Bring back history from a backup file, with no other device needed."
        }
        textTestId="restore-summary"
        label="Restore from backup"
        buttonTestId="restore-start"
        onStart={() => setState({ step: "form" })}
      />
    );

  const working = state.step === "working";
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (file && pass && !working) void run();
      }}
    >
      <div>
        <label htmlFor={fileId} className="text-sm font-medium">
          Backup file
        </label>
        <input
          id={fileId}
          type="file"
          data-testid="restore-file"
          accept=".msgbackup,application/octet-stream"
          onChange={(e) => setFile(e.target.files?.[0])}
          className="mt-1.5 block w-full text-sm text-zinc-700 file:mr-3 file:rounded-full file:border file:border-zinc-300 file:bg-white file:px-4 file:py-2 file:text-sm file:font-medium file:text-zinc-900 hover:file:bg-zinc-50 dark:text-zinc-300 dark:file:border-zinc-700 dark:file:bg-zinc-900 dark:file:text-zinc-100"
        />
      </div>
      <PassphraseField
        label="Passphrase"
        value={pass}
        onChange={setPass}
        testId="restore-passphrase"
        autoComplete="current-password"
      />
      {state.step === "form" && state.error && (
        <p
          role="alert"
          data-testid="restore-error"
          className="text-sm text-red-700 dark:text-red-400"
        >
          Nothing was restored: {state.error}
        </p>
      )}
      {working && <ProgressLine progress={state.progress} />}
      <PanelActions
        working={working}
        ready={!!file && !!pass}
        onCancel={() => setState({ step: "closed" })}
        label="Restore"
        workingLabel="Restoring…"
        submitTestId="restore-run"
      />
    </form>
  );
}

function summaryText(s: RestoreSummary): string {
  const held = `${count(s.conversations, "conversation")}, ${count(s.messages, "message")}`;
  if (s.newConversations === 0 && s.newMessages === 0)
    return `Restored ${held}. All of it was already here: nothing changed.`;
  return `Restored ${held} (${s.newMessages.toLocaleString()} new). Until someone in a conversation sends a message, this device can read it but not send there.`;
}
