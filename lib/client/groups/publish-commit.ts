// Publishing one of our commits, crash-safe: stored with everything a restart needs
// (commit-intents.ts), published, then settled in node order (commit-recovery.ts). Each
// step boundary calls the test hook, so a crash test can kill the client exactly there.
import { sha256, toHex } from "../../crypto";
import {
  encodeGroupState,
  epochAuthenticator,
  type GroupHandle,
  type PendingCommit,
} from "../../mls";
import {
  advanceCommitIntent,
  putCommitIntent,
  type IntentKind,
  type WelcomeRecipientRow,
} from "../../storage";
import type { ClientContext } from "../context";
import { ClientError } from "../errors";
import { isTransient } from "../messages/receive";
import type { ReceiveLog } from "../types";
import { settleCommitIntent, type CommitOutcome } from "./commit-recovery";

export interface OwnCommit {
  groupId: string;
  kind: IntentKind;
  /** The change as data, made again if the commit loses its epoch (see change.ts). */
  change: unknown;
  /** The state the commit was made in. */
  group: GroupHandle;
  commit: Uint8Array;
  pending: PendingCommit;
  welcome?: Uint8Array;
  welcomeTo?: WelcomeRecipientRow[];
  attempt: number;
}

/** Group lock held. An "unseen" outcome is closed here as an error (the caller retries). */
export async function publishOwnCommit(
  ctx: ClientContext,
  c: OwnCommit,
  log?: ReceiveLog,
): Promise<CommitOutcome> {
  // Stored before it is sent, with all a restart needs to finish it; the echo is
  // recognised by its hash.
  const intentId = await putCommitIntent(ctx.db, {
    groupId: c.groupId,
    kind: c.kind,
    commit: c.commit,
    payloadHash: toHex(sha256(c.commit)),
    fromEpoch: c.group.epoch,
    state: encodeGroupState(c.pending.group),
    authenticator: toHex(epochAuthenticator(c.pending.group)),
    change: c.change,
    ...(c.welcome && c.welcomeTo?.length ? { welcome: c.welcome, welcomeTo: c.welcomeTo } : {}),
  });
  await ctx.testHooks?.commitStep?.("before_publish");
  try {
    await ctx.api.sendGroupMessages([{ data: c.commit, shouldPush: false }]);
  } catch (err) {
    // A refusal ends the intent. A network failure may have delivered it and lost only
    // the answer: only the node's order can tell, so that intent stays for recovery
    // (the same bytes are published again, or the change is planned again).
    if (!isTransient(err))
      await advanceCommitIntent(ctx.db, intentId, {
        finish: "error",
        error: (err as Error).message,
      });
    throw new ClientError("commit_failed", `change not sent: ${(err as Error).message}`, true, err);
  }
  await ctx.testHooks?.commitStep?.("after_publish");
  await advanceCommitIntent(ctx.db, intentId, { status: "published", attempts: c.attempt });
  const outcome = await settleCommitIntent(ctx, c.groupId, intentId, log, c.pending);
  if (outcome === "unseen")
    await advanceCommitIntent(ctx.db, intentId, {
      finish: "error",
      error: "the commit was not seen in the group",
    });
  return outcome;
}
