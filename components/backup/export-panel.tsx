"use client";
import { useId, useMemo, useState } from "react";
import type { BackupProgress, BackupSummary } from "@/lib/client";
// The rule alone, not the lib/client barrel: the client itself loads lazily (load-client.ts).
import { passphraseStrength } from "@/lib/client/backup/passphrase";
import { useClient } from "@/components/client/client-context";
import { backupFileName, download } from "./download";
import { PanelActions } from "./panel-actions";
import { PanelStart } from "./panel-start";
import { PassphraseField } from "./passphrase-field";
import { ProgressLine } from "./progress-line";
import { StrengthMeter } from "./strength-meter";

type State =
  | { step: "closed" }
  | { step: "form"; error?: string }
  | { step: "working"; progress: BackupProgress | "starting" }
  | { step: "done"; name: string; summary: BackupSummary };

/** "Back up history": passphrase twice (with the rule's feedback), progress, the download. */
export function ExportPanel() {
  const { client } = useClient();
  const [state, setState] = useState<State>({ step: "closed" });
  const [pass, setPass] = useState("");
  const [again, setAgain] = useState("");
  const strength = useMemo(() => passphraseStrength(pass), [pass]);
  const meterId = useId();
  const mismatch = again.length > 0 && again !== pass;
  const ready = strength.acceptable && again === pass;

  const run = async () => {
    setState({ step: "working", progress: "starting" });
    try {
      const { file, summary } = await client.backups.export(pass, {
        onProgress: (progress) => setState({ step: "working", progress }),
      });
      const name = backupFileName();
      download(file, name);
      setPass("");
      setAgain("");
      setState({ step: "done", name, summary });
    } catch (err) {
      setState({ step: "form", error: err instanceof Error ? err.message : String(err) });
    }
  };

  if (state.step === "closed" || state.step === "done")
    return (
      <PanelStart
        text={
          state.step === "done"
            ? `Saved ${state.name}: ${count(state.summary.conversations, "conversation")}, ${count(state.summary.messages, "message")}. Keep the passphrase: without it the file can't be opened.`
            : "Save every conversation and message of this browser to a file sealed with a passphrase."
        }
        textTestId="backup-done"
        label="Back up history"
        buttonTestId="backup-start"
        onStart={() => setState({ step: "form" })}
      />
    );

  const working = state.step === "working";
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (ready && !working) void run();
      }}
    >
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Choose a passphrase for this file. Nobody can reset it: without it the backup can&apos;t be
        opened, by you or anyone else.
      </p>
      <PassphraseField
        label="Passphrase"
        value={pass}
        onChange={setPass}
        testId="backup-passphrase"
        autoComplete="new-password"
        describedBy={meterId}
      />
      <StrengthMeter id={meterId} strength={strength} />
      <PassphraseField
        label="Passphrase again"
        value={again}
        onChange={setAgain}
        testId="backup-passphrase-again"
        autoComplete="new-password"
        invalid={mismatch}
      />
      {mismatch && (
        <p className="text-sm text-red-700 dark:text-red-400">The two passphrases differ.</p>
      )}
      {state.step === "form" && state.error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          Backup not made: {state.error}
        </p>
      )}
      {working && <ProgressLine progress={state.progress} />}
      <PanelActions
        working={working}
        ready={ready}
        onCancel={() => setState({ step: "closed" })}
        label="Create backup"
        workingLabel="Backing up…"
        submitTestId="backup-create"
      />
    </form>
  );
}

export function count(n: number, noun: string): string {
  return `${n.toLocaleString()} ${noun}${n === 1 ? "" : "s"}`;
}
