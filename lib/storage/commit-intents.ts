// Group commits as intents that survive a crash (PROTOCOL §2): the row is written before
// the commit is published, with everything needed to finish it after a restart — merge
// the commit the node accepted, send the welcomes, or plan the change again on the epoch
// that won. The state after the commit is sealed like any group state; its AAD names the
// group and the epoch the commit was made in.

import type { MessengerDb } from "./db";
import { StorageError } from "./errors";
import { hexId, ownBytes } from "./keys";
import type {
  CommitIntentState,
  IntentKind,
  IntentRow,
  IntentStatus,
  StoredIntentRow,
  WelcomeRecipientRow,
} from "./schema";
import { openIntent } from "./sealed-rows";

const purpose = (groupId: string, fromEpoch: string) => `pending_commit:${groupId}:${fromEpoch}`;

export interface CommitIntentInput {
  groupId: string;
  kind: IntentKind;
  /** The MLSMessage bytes that will be published. */
  commit: Uint8Array;
  payloadHash: string;
  fromEpoch: bigint;
  /** Encoded group state after the commit. */
  state: Uint8Array;
  authenticator: string;
  change: unknown;
  welcome?: Uint8Array;
  welcomeTo?: WelcomeRecipientRow[];
}

/** Stores the commit and what finishing it needs, in one row (one write: all or nothing). */
export async function putCommitIntent(db: MessengerDb, i: CommitIntentInput): Promise<number> {
  const groupId = hexId(i.groupId, "groupId");
  const fromEpoch = i.fromEpoch.toString();
  const commit: CommitIntentState = {
    fromEpoch,
    stateSealed: await db.sealing.seal(purpose(groupId, fromEpoch), i.state),
    authenticator: hexId(i.authenticator, "authenticator"),
    change: i.change,
    phase: "prepared",
  };
  if (i.welcome) commit.welcome = ownBytes(i.welcome);
  if (i.welcomeTo)
    commit.welcomeTo = i.welcomeTo.map((w) => ({
      installationKey: ownBytes(w.installationKey),
      hpkePublicKey: ownBytes(w.hpkePublicKey),
      ...(w.wrapper ? { wrapper: w.wrapper } : {}),
      ...(w.pointers ? { pointers: true as const } : {}),
    }));
  const row: StoredIntentRow = {
    conversationId: groupId,
    kind: i.kind,
    payload: ownBytes(i.commit),
    payloadHash: hexId(i.payloadHash, "payloadHash"),
    shouldPush: false,
    status: "to_publish",
    attempts: 0,
    createdAt: Date.now(),
    commit,
  };
  return (await db.intents.add(row)) as number;
}

/** The state after the commit (encoded), or undefined once it was merged or discarded. */
export async function openCommitState(
  db: MessengerDb,
  row: IntentRow,
): Promise<Uint8Array | undefined> {
  if (!row.commit?.stateSealed) return undefined;
  return db.sealing.open(purpose(row.conversationId, row.commit.fromEpoch), row.commit.stateSealed);
}

/** Commit intents not finished yet (oldest first), for one group or all. */
export async function unfinishedCommitIntents(
  db: MessengerDb,
  groupId?: string,
): Promise<IntentRow[]> {
  const commits = await unfinishedCommitRows(db, groupId);
  return Promise.all(commits.map((r) => openIntent(db.sealing.open, r)));
}

/** unfinishedCommitIntents' rows as stored (no WebCrypto: usable inside a read transaction). */
export async function unfinishedCommitRows(
  db: MessengerDb,
  groupId?: string,
): Promise<StoredIntentRow[]> {
  const statuses: IntentStatus[] = ["to_publish", "published"];
  const rows =
    groupId === undefined
      ? await db.intents.where("status").anyOf(statuses).toArray()
      : await db.intents
          .where("[conversationId+status]")
          .anyOf(statuses.map((s) => [hexId(groupId, "groupId"), s]))
          .toArray();
  return rows.filter((r) => r.commit !== undefined).sort((a, b) => a.id! - b.id!);
}

export async function getIntent(db: MessengerDb, id: number): Promise<IntentRow | undefined> {
  const row = await db.intents.get(id);
  return row && row.status !== "sealing" ? openIntent(db.sealing.open, row) : undefined;
}

/**
 * Moves a commit intent on. `finish` ends it (status committed or error) and drops what
 * recovery needed, the sealed state first among them.
 */
export async function advanceCommitIntent(
  db: MessengerDb,
  id: number,
  to:
    | { phase: "merged" | "lost"; error?: string }
    | { status: "published"; attempts: number }
    | { finish: "committed" | "error"; error?: string },
): Promise<void> {
  const n = await db.intents.update(id, (row) => {
    if ("phase" in to) {
      if (!row.commit) return;
      row.commit.phase = to.phase;
      delete row.commit.stateSealed;
      if (to.error !== undefined) row.error = to.error;
    } else if ("status" in to) {
      row.status = to.status;
      row.attempts = to.attempts;
    } else {
      row.status = to.finish;
      delete row.commit;
      if (to.error !== undefined) row.error = to.error;
    }
  });
  if (n === 0) throw new StorageError("not_found", `intent ${id} does not exist`);
}
