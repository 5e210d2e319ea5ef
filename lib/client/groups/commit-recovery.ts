// Finishing a stored commit intent (commit.ts stores one before each publish). After the
// publish, or after a restart that interrupted any step, the group is read in node order
// (the receive path merges the commit if it came first for its epoch, or notes it lost),
// then what is left is done here: welcomes sent once merged, the intent closed, a commit
// the node never got published again (the same bytes: the node stores an identical
// envelope once), a lost change handed back to be planned again.
import { fromHex } from "../../crypto";
import {
  WELCOME_POINTER_THRESHOLD,
  pointWelcome,
  wrapWelcomePointer,
  wrapWelcomeWithMetadata,
  type PendingCommit,
  type WelcomeMetadata,
} from "../../mls";
import { welcomeInputBytes, type WelcomeInput } from "../../api";
import type { GroupMessage_V1 } from "../../proto/mls/api/v1/mls_pb";
import {
  advanceCommitIntent,
  getCursor,
  getIntent,
  groupTopic,
  unfinishedCommitIntents,
} from "../../storage";
import type { ClientContext } from "../context";
import { applyEnvelopeLocked } from "../messages/receive";
import type { ReceiveLog } from "../types";
import { isGroupChange, type GroupChange } from "./change";
import { commitFate, type CommitIntent } from "./pending-commit";
import { requireGroup, withGroupLock } from "./state";

export async function readAll(
  ctx: ClientContext,
  groupId: string,
  onEnvelope: (env: GroupMessage_V1) => Promise<void>,
): Promise<void> {
  for (;;) {
    const cursor = await getCursor(ctx.db, groupTopic(groupId));
    const page = await ctx.api.queryGroupMessages(fromHex(groupId), { cursor });
    for (const env of page) await onEnvelope(env);
    // An out-of-sync group keeps its cursor: stop instead of asking again and again.
    if (page.length < 100 || (await getCursor(ctx.db, groupTopic(groupId))) === cursor) return;
  }
}

/** A welcome carries the whole ratchet tree (~110 KB at 250 members): send in batches under the node's request limit. */
const WELCOME_BATCH_BYTES = 4 * 1024 * 1024;
/** Batches in flight at once: a new group of 250 sends ~27 MB, the node stores them in parallel. */
const WELCOME_BATCHES_IN_FLIGHT = 3;

async function sendWelcomes(ctx: ClientContext, welcomes: WelcomeInput[]): Promise<void> {
  const batches: (typeof welcomes)[] = [];
  let batch: typeof welcomes = [];
  let size = 0;
  for (const w of welcomes) {
    const bytes = welcomeInputBytes(w);
    // Also at most the node's 100 messages per request (small groups have small welcomes).
    if (batch.length > 0 && (size + bytes > WELCOME_BATCH_BYTES || batch.length === 100)) {
      batches.push(batch);
      batch = [];
      size = 0;
    }
    batch.push(w);
    size += bytes;
  }
  if (batch.length > 0) batches.push(batch);
  // Each welcome is its own topic (one installation), so the order between batches is free.
  let next = 0;
  const worker = async () => {
    while (next < batches.length) await ctx.api.sendWelcomeMessages(batches[next++]!);
  };
  await Promise.all(
    Array.from({ length: Math.min(WELCOME_BATCHES_IN_FLIGHT, batches.length) }, worker),
  );
}

/**
 * What a commit's welcome becomes on the wire, as libxmtp sends it: above two recipients
 * that read welcome pointers, the welcome is stored once (the pointee) and they each get a
 * small pointer; everyone else gets the welcome itself. Each is HPKE-wrapped to the key its
 * key package names (X-Wing when it asks).
 */
async function welcomeInputs(
  welcome: Uint8Array,
  to: NonNullable<CommitIntent["commit"]["welcomeTo"]>,
  metadata: WelcomeMetadata | undefined,
): Promise<{ pointee?: WelcomeInput; inputs: WelcomeInput[] }> {
  const pointed =
    to.filter((w) => w.pointers).length > WELCOME_POINTER_THRESHOLD
      ? pointWelcome(welcome, metadata)
      : undefined;
  const inputs = await Promise.all(
    to.map(async (w): Promise<WelcomeInput> => {
      const wrapper = w.wrapper ?? "curve25519";
      if (pointed && w.pointers)
        return {
          kind: "pointer",
          installationKey: w.installationKey,
          welcomePointer: await wrapWelcomePointer(pointed.pointer, w.hpkePublicKey, wrapper),
          hpkePublicKey: w.hpkePublicKey,
          wrapper,
        };
      return {
        installationKey: w.installationKey,
        hpkePublicKey: w.hpkePublicKey,
        wrapper,
        ...(await wrapWelcomeWithMetadata(welcome, w.hpkePublicKey, metadata, wrapper)),
      };
    }),
  );
  if (!pointed) return { inputs };
  return {
    pointee: {
      installationKey: pointed.destination,
      data: pointed.data,
      welcomeMetadata: pointed.welcomeMetadata,
      wrapper: "symmetric",
    },
    inputs,
  };
}

export type CommitOutcome = "won" | "lost" | "unseen";

/**
 * Reads the group to its end and finishes the intent as far as the node's order allows
 * (group lock held). `pending` is the commit in memory, when the caller still has it.
 * With `republish`, a commit the node does not hold is sent again (the same bytes) and
 * the group read once more: what a restart does for a crash before or during the publish.
 */
export async function settleCommitIntent(
  ctx: ClientContext,
  groupId: string,
  intentId: number,
  log?: ReceiveLog,
  pending?: PendingCommit,
  republish = false,
): Promise<CommitOutcome> {
  // The node id of our commit, when this read applied it: the welcomes name it (libxmtp's
  // welcome_metadata message_cursor) so a new member starts reading after it.
  let commitId: bigint | undefined;
  for (let round = 0; ; round++) {
    let decided = false;
    await readAll(ctx, groupId, async (env) => {
      const r = await applyEnvelopeLocked(ctx, env, log, decided ? undefined : pending);
      if (r?.kind === "commit" && (r.own || r.pendingDiscarded)) decided = true;
      if (r?.kind === "commit" && r.own) commitId = env.id;
    });
    const row = await getIntent(ctx.db, intentId);
    if (!row?.commit) return row?.status === "committed" ? "won" : "lost";
    const intent = row as CommitIntent;
    const fate = commitFate(intent, await requireGroup(ctx, groupId));
    if (fate === "merged") {
      await ctx.testHooks?.commitStep?.("after_merge");
      const { welcome, welcomeTo } = intent.commit;
      if (welcome && welcomeTo?.length) {
        const metadata = commitId === undefined ? undefined : { messageCursor: commitId };
        const { pointee, inputs } = await welcomeInputs(welcome, welcomeTo, metadata);
        // The pointee first: a pointer must not reach its reader before what it points to.
        if (pointee) await ctx.api.sendWelcomeMessages([pointee]);
        await sendWelcomes(ctx, inputs);
      }
      await advanceCommitIntent(ctx.db, intentId, { finish: "committed" });
      return "won";
    }
    if (fate === "lost") {
      await advanceCommitIntent(ctx.db, intentId, {
        finish: "error",
        error: "another commit won the epoch",
      });
      return "lost";
    }
    if (!republish || round > 0) return "unseen";
    log?.("commit_republished", { groupId, intentId });
    await ctx.api.sendGroupMessages([{ data: intent.payload, shouldPush: false }]);
    await advanceCommitIntent(ctx.db, intentId, {
      status: "published",
      attempts: intent.attempts + 1,
    });
  }
}

/**
 * Finishes the group's commit intents left by a crash, oldest first; returns the changes
 * whose commit lost its epoch, for the caller to make again on the new one.
 */
export async function finishCommitIntents(
  ctx: ClientContext,
  groupId: string,
  log?: ReceiveLog,
): Promise<GroupChange[]> {
  if ((await unfinishedCommitIntents(ctx.db, groupId)).length === 0) return [];
  return withGroupLock(ctx, groupId, async () => {
    const again: GroupChange[] = [];
    for (const row of await unfinishedCommitIntents(ctx.db, groupId)) {
      const outcome = await settleCommitIntent(ctx, groupId, row.id!, log, undefined, true);
      if (outcome === "unseen") {
        // Published twice and still not in the group: the node is not keeping it.
        await advanceCommitIntent(ctx.db, row.id!, {
          finish: "error",
          error: "the commit was not seen in the group",
        });
      }
      if (outcome !== "won" && isGroupChange(row.commit?.change)) again.push(row.commit.change);
      log?.("commit_recovered", { groupId, intentId: row.id!, outcome });
    }
    return again;
  });
}
