// The welcome path: a welcome on this installation's topic → a joined group, checked
// (welcome-rules.ts), stored, its consent decided by who authentically added us, and the
// key package that opened it spent.
import { toHex } from "../../crypto";
import { joinWelcome, type GroupHandle, type Member } from "../../mls";
import type { ReceivedWelcome } from "../../api";
import {
  getConversation,
  getCursor,
  listKeyPackages,
  markKeyPackageSpent,
  setCursor,
  welcomeTopic,
  type StoredKeyPackage,
} from "../../storage";
import type { ClientContext } from "../context";
import type { ReceiveLog } from "../types";
import { rotateKeyPackage } from "../devices/key-packages";
import { addCandidate, recordFirstLineage, type CandidateOutcome } from "../groups/lineages";
import { loadGroup, saveGroup, withGroupLock } from "../groups/state";
import { withLock } from "../locks";
import { acceptReaddWelcome, type ReaddWelcomeOutcome } from "../forks/readd-welcome";
import { isTransient, replayTopicLocked } from "./receive";
import { checkWelcomedGroup } from "./welcome-rules";
import { startAfterAddCommit } from "./welcome-cursor";
import { storeWelcomedConversation } from "./welcomed-conversation";
import { deliveredBytes, welcomeToOpen } from "./welcome-pointee";

interface Joined {
  group: GroupHandle;
  addedBy: Member;
  keyPackage: StoredKeyPackage;
  /** The add commit's node id, as the welcome's metadata names it (libxmtp's message_cursor). */
  addCommitId?: bigint;
}

/** Tries every stored key package, newest first (an adder may have fetched one just before a rotation). */
async function open(
  ctx: ClientContext,
  env: ReceivedWelcome,
): Promise<{ joined?: Joined; error?: unknown; transient?: unknown }> {
  let error: unknown;
  let transient: unknown;
  for (const kp of await listKeyPackages(ctx.db)) {
    try {
      const { group, addedBy, welcomeMetadata } = await joinWelcome({
        ...(await welcomeToOpen(ctx, env, kp)),
        keyPackagePrivate: kp.privateBytes,
        keyPackageBytes: kp.publicBytes,
        signer: ctx.installation,
        auth: ctx.resolver.authenticate,
      });
      checkWelcomedGroup(group, ctx.installation.inboxId);
      const addCommitId = welcomeMetadata?.messageCursor;
      return {
        joined: { group, addedBy, keyPackage: kp, ...(addCommitId ? { addCommitId } : {}) },
      };
    } catch (err) {
      error = err;
      if (isTransient(err)) transient = err;
    }
  }
  return { error, transient };
}

/**
 * The key package that opened a welcome is spent: a fresh one is published and the spent
 * one is marked; its private key is deleted once the welcome topic has been read to its
 * end (deleteSpentKeyPackages), so a replayed welcome opens nothing. Until then it is the
 * LAST-RESORT key package: the node kept serving it to every adder until the fresh one
 * landed, and their welcomes must still open. While publishing fails it stays unmarked.
 */
async function spend(ctx: ClientContext, used: StoredKeyPackage, log?: ReceiveLog): Promise<void> {
  try {
    await rotateKeyPackage(ctx);
  } catch (err) {
    log?.("key_package_rotation_failed", { error: (err as Error).message });
    return;
  }
  await markKeyPackageSpent(ctx.db, used.ref);
}

/** A group this installation did not know: stored, listed, its lineage recorded (shown at once). */
async function keepNew(
  ctx: ClientContext,
  joined: Joined,
  env: ReceivedWelcome,
  log?: ReceiveLog,
): Promise<void> {
  const { group, addedBy } = joined;
  const groupId = toHex(group.groupId);
  await withGroupLock(ctx, groupId, async () => {
    await saveGroup(ctx, group);
    await recordFirstLineage(ctx, group, addedBy, deliveredBytes(env));
    await startAfterAddCommit(ctx, group, groupId, joined.addCommitId, log);
  });
  await storeWelcomedConversation(ctx, group, addedBy.inboxId, env.createdNs);
}

/**
 * A welcome for a group id this installation already holds: a forgery, the real group
 * after a forgery, or a re-add after a fork (groups/lineages.ts says which wins). Kept as a
 * candidate lineage; when the evidence picks it, its state replaces ours and the group's
 * topic is read again under it. Fork recovery calls this with the re-add's welcome.
 */
export async function considerWelcomeForKnownGroup(
  ctx: ClientContext,
  joined: { group: GroupHandle; addedBy: Member },
  welcome: Uint8Array,
  log?: ReceiveLog,
): Promise<CandidateOutcome> {
  const groupId = toHex(joined.group.groupId);
  return withGroupLock(ctx, groupId, async () => {
    const outcome = await addCandidate(ctx, joined.group, joined.addedBy, welcome, log);
    if (outcome.kind === "adopted") await replayTopicLocked(ctx, groupId, log);
    if (outcome.kind === "full") log?.("welcome_lineage_refused", { groupId, reason: "too many" });
    return outcome;
  });
}

/** Joins the group a welcome invites this installation to; returns its id (hex) when new. */
export async function applyWelcome(
  ctx: ClientContext,
  env: ReceivedWelcome,
  log?: ReceiveLog,
): Promise<string | undefined> {
  return withLock(`${ctx.lockPrefix}:welcomes`, async () => {
    const topic = welcomeTopic(toHex(ctx.installation.publicKey));
    if (env.id <= (await getCursor(ctx.db, topic))) return undefined;
    const { joined, error, transient } = await open(ctx, env);
    let newGroupId: string | undefined;
    if (joined) {
      const groupId = toHex(joined.group.groupId);
      const known = await getConversation(ctx.db, groupId);
      let opened = true;
      let readd: ReaddWelcomeOutcome | undefined;
      if (!known) {
        await keepNew(ctx, joined, env, log);
        newGroupId = groupId;
      } else if (!(await loadGroup(ctx, groupId))) {
        // A conversation imported from history has its row but no MLS state until this welcome.
        await withGroupLock(ctx, groupId, async () => {
          await saveGroup(ctx, joined.group);
          await recordFirstLineage(ctx, joined.group, joined.addedBy, deliveredBytes(env));
        });
        newGroupId = groupId;
      } else if ((readd = await acceptReaddWelcome(ctx, joined.group, log)) === "accepted") {
        // Fork recovery (issue 12): a group out of sync here, re-added by a commit on its
        // topic (see readd-welcome.ts); anything else goes to the lineage rule below.
      } else if (readd === "refused") {
        // The group's commit log contradicts it: not even a candidate.
      } else {
        // "waiting" too: kept as a candidate, which a stuck state adopts only once the log
        // vouches for it (lineages.ts); the fork watch tries it again after each log read.
        // The first welcome for an id no longer wins by arriving first (issue 11 item 9).
        const outcome = await considerWelcomeForKnownGroup(ctx, joined, deliveredBytes(env), log);
        if (outcome.kind === "adopted") newGroupId = groupId;
        opened = outcome.kind !== "duplicate";
      }
      if (opened) await spend(ctx, joined.keyPackage, log);
    } else {
      if (transient) throw transient;
      const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
      log?.("welcome_rejected", {
        id: env.id.toString(),
        ...(typeof code === "string" ? { code } : {}),
        error: typeof message === "string" ? message : "no key package opens this welcome",
      });
    }
    await setCursor(ctx.db, topic, env.id);
    return newGroupId;
  });
}
