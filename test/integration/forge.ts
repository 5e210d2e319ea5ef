// A "modified client" for policy tests: builds a commit with lib/mls directly, skipping
// the client's own permission check, and publishes it. Uses the client's real state.
import type { Client } from "../../lib/client";
import type { ClientContext } from "../../lib/client/context";
import { requireGroup, saveGroup, withGroupLock } from "../../lib/client/groups/state";
import { fromHex, toHex } from "../../lib/crypto";
import {
  commitChanges,
  encryptApplication,
  groupMembers,
  LAST_RESORT_EXTENSION_TYPE,
  parseKeyPackage,
  type GroupContextState,
  type GroupHandle,
} from "../../lib/mls";
import { generateKeyPackageWithKey } from "ts-mls";
import { encodeKeyPackage } from "ts-mls/keyPackage.js";
import { credentialForInbox } from "../../lib/mls/credential";
import { leafCapabilities } from "../../lib/mls/keyPackage";
import { cipherSuite } from "../../lib/mls/suite";
import {
  encodeEncodedContent,
  encodePlaintextEnvelope,
  type ContentTypeId,
} from "../../lib/content";

export async function forgeRemoval(client: Client, groupId: string, victimInboxId: string) {
  const ctx = (client as unknown as { ctx: ClientContext }).ctx;
  const group = await requireGroup(ctx, groupId);
  const remove = groupMembers(group)
    .filter((m) => m.inboxId === victimInboxId)
    .map((m) => m.installationKey);
  const out = await commitChanges(group, { remove }, ctx.resolver.authenticate);
  await ctx.api.sendGroupMessages([{ data: out.commit, shouldPush: false }]);
}

/** The client's MLS state of a group now: an attacker keeps it to post from later. */
export async function keepGroupState(client: Client, groupId: string): Promise<GroupHandle> {
  const ctx = (client as unknown as { ctx: ClientContext }).ctx;
  return requireGroup(ctx, groupId);
}

/**
 * Encrypts content with a kept (possibly stale) group state and publishes it, as a client
 * that never applied the later commits would. Returns the state after sending.
 */
export async function postFromState(
  client: Client,
  group: GroupHandle,
  type: ContentTypeId,
  content: unknown,
): Promise<GroupHandle> {
  const ctx = (client as unknown as { ctx: ClientContext }).ctx;
  const encoded = encodeEncodedContent(ctx.codecs.encode(type, content));
  const plaintext = encodePlaintextEnvelope(encoded, (BigInt(Date.now()) * 1_000_000n).toString());
  const out = await encryptApplication(group, plaintext);
  await ctx.api.sendGroupMessages([{ data: out.message, shouldPush: true }]);
  return out.group;
}

/** Installation IDs (hex) holding leaves in the client's current state of the group. */
export async function leavesOf(client: Client, groupId: string): Promise<string[]> {
  const group = await keepGroupState(client, groupId);
  return groupMembers(group).map((m) => toHex(m.installationKey));
}

/**
 * A modified client's commit: whatever `build` returns, with no permission check, sent with
 * its welcome; the forger then keeps its own commit's state (so it can chain more).
 */
export async function forgeCommit(
  client: Client,
  groupId: string,
  build: (group: GroupHandle) => Promise<{
    add?: Uint8Array[];
    remove?: Uint8Array[];
    context?: GroupContextState;
  }>,
  opts: { clockOffsetMs?: number } = {},
): Promise<void> {
  const ctx = (client as unknown as { ctx: ClientContext }).ctx;
  await withGroupLock(ctx, groupId, async () => {
    const group = await requireGroup(ctx, groupId);
    const changes = await build(group);
    // A committer with a wrong (or lying) clock: only while the commit is built.
    const realNow = Date.now;
    if (opts.clockOffsetMs) Date.now = () => realNow() + opts.clockOffsetMs!;
    let out;
    try {
      out = await commitChanges(group, changes, ctx.resolver.authenticate);
    } finally {
      Date.now = realNow;
    }
    await ctx.api.sendGroupMessages([{ data: out.commit, shouldPush: false }]);
    if (out.welcome && changes.add) {
      const welcome = out.welcome;
      await ctx.api.sendWelcomeMessages(
        changes.add.map((bytes) => {
          const kp = parseKeyPackage(bytes);
          return {
            installationKey: kp.installationKey,
            hpkePublicKey: kp.keyPackage.initKey,
            data: welcome,
          };
        }),
      );
    }
    await saveGroup(ctx, out.group);
  });
}

/** The current key package of each installation (hex IDs), as the node hands them out. */
export async function keyPackagesFor(client: Client, installationIds: string[]) {
  const ctx = (client as unknown as { ctx: ClientContext }).ctx;
  const got = await ctx.api.fetchKeyPackages(installationIds.map((id) => fromHex(id)));
  return got.map((kp, i) => {
    if (!kp) throw new Error(`no key package for ${installationIds[i]}`);
    return kp;
  });
}

/** A key package of the client's installation with the given lifetime (unix seconds), made with ts-mls. */
export async function keyPackageWithLifetime(
  client: Client,
  notBefore: bigint,
  notAfter: bigint,
): Promise<Uint8Array> {
  const ctx = (client as unknown as { ctx: ClientContext }).ctx;
  const { publicPackage } = await generateKeyPackageWithKey(
    credentialForInbox(ctx.installation.inboxId),
    leafCapabilities(),
    { notBefore, notAfter },
    [{ extensionType: LAST_RESORT_EXTENSION_TYPE, extensionData: new Uint8Array(0) }],
    { signKey: ctx.installation.privateKey, publicKey: ctx.installation.publicKey },
    await cipherSuite(),
  );
  return encodeKeyPackage(publicPackage);
}
