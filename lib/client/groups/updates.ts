// What every member does with an applied group commit besides saving the state: check it
// against the identity logs, and write a local group_updated:1.0 line into the thread.

import { concatBytes, sha256, toHex, utf8 } from "../../crypto";
import {
  ContentTypeGroupUpdated,
  ContentTypeLeaveRequest,
  contentTypeToString,
  encodeEncodedContent,
  type GroupUpdatedContent,
} from "../../content";
import {
  DISAPPEAR_FIELDS,
  groupMembers,
  groupMetadata,
  hasMutableExtensions,
  inboxesOf,
  METADATA_LIMITS,
  MlsError,
  readGroupContext,
  type GroupContextState,
  type GroupHandle,
  type Processed,
} from "../../mls";
import type { GroupMessage_V1 } from "../../proto/mls/api/v1/mls_pb";
import { addMessage, getMessage, hasRecentMessageOfType, upsertConversation } from "../../storage";
import type { ClientContext } from "../context";
import { decodeRow } from "../messages/decode";

export function groupNameOf(group: GroupHandle): { name?: string } {
  if (!hasMutableExtensions(group.state.groupContext.extensions)) return {};
  const name = readGroupContext(group.state.groupContext.extensions).metadata.attributes.group_name;
  return name ? { name } : {};
}

/**
 * The installations a commit added for an inbox whose log entry changed must be exactly
 * those its identity log held AT the sequence id the membership extension now names —
 * never the log as it is now, which may have moved on while this member was offline.
 */
export async function checkAgainstIdentityLogs(
  ctx: ClientContext,
  before: GroupHandle,
  after: GroupHandle,
): Promise<void> {
  if (!hasMutableExtensions(after.state.groupContext.extensions)) return;
  const prev = readGroupContext(before.state.groupContext.extensions).membership;
  const next = readGroupContext(after.state.groupContext.extensions).membership;
  const leaves = groupMembers(after);
  // An inbox that stays but loses installations: only revoked ones may go (anyone may
  // commit that, so nobody may drop a live device of someone else). A revocation is
  // final, so the newest log is the right judge here.
  const remaining = new Set(leaves.map((m) => toHex(m.installationKey)));
  const stayed = new Set(leaves.map((m) => m.inboxId));
  for (const m of groupMembers(before)) {
    const key = toHex(m.installationKey);
    if (remaining.has(key) || !stayed.has(m.inboxId)) continue;
    const log = await ctx.resolver.latest(m.inboxId);
    if (log?.installations.includes(key))
      throw new MlsError(
        "invalid_commit",
        `commit removes installation ${key.slice(0, 12)}… of ${m.inboxId}, which its log still holds`,
      );
  }
  // Grouped once, so a commit adding hundreds of inboxes stays linear.
  const keysByInbox = new Map<string, Set<string>>();
  for (const m of leaves) {
    const set = keysByInbox.get(m.inboxId) ?? new Set<string>();
    set.add(toHex(m.installationKey));
    keysByInbox.set(m.inboxId, set);
  }
  for (const [inbox, seq] of next) {
    if (prev.get(inbox) === seq) continue;
    const at = await ctx.resolver.stateAt(inbox, seq);
    if (!at)
      throw new MlsError(
        "invalid_commit",
        `membership names log entry ${seq} of ${inbox}, which does not exist`,
      );
    const want = new Set(at.installations.keys());
    const have = keysByInbox.get(inbox) ?? new Set<string>();
    const same = want.size === have.size && [...want].every((k) => have.has(k));
    if (!same)
      throw new MlsError(
        "invalid_commit",
        `inbox ${inbox} holds ${have.size} installations in the group, its log held ${want.size} at entry ${seq}`,
      );
  }
}

export function groupUpdateOf(
  before: GroupHandle,
  after: GroupHandle,
  initiatedByInboxId: string,
): GroupUpdatedContent | undefined {
  if (!hasMutableExtensions(after.state.groupContext.extensions)) return undefined;
  const b = readGroupContext(before.state.groupContext.extensions);
  const a = readGroupContext(after.state.groupContext.extensions);
  // A DM's thread has no membership lines: its members are its two people for good (DMs
  // carry the mutable extensions since libxmtp checks them). Its timer changes are news.
  if (groupMetadata(after).conversationType === "dm")
    return timerUpdateOf(b, a, initiatedByInboxId);
  // Each tree's inboxes read once: linear in the group's size (this runs on every commit).
  const inboxesBefore = inboxesOf(before.state.ratchetTree);
  const inboxesAfter = inboxesOf(after.state.ratchetTree);
  const content: GroupUpdatedContent = {
    initiatedByInboxId,
    addedInboxes: [...inboxesAfter].filter((x) => !inboxesBefore.has(x)),
    removedInboxes: [...inboxesBefore].filter((x) => !inboxesAfter.has(x)),
    metadataFieldChanges: [],
  };
  for (const field of [...Object.keys(METADATA_LIMITS), ...DISAPPEAR_FIELDS]) {
    const oldValue = b.metadata.attributes[field];
    const newValue = a.metadata.attributes[field];
    if (oldValue === newValue) continue;
    content.metadataFieldChanges.push({
      fieldName: field,
      ...(oldValue !== undefined ? { oldValue } : {}),
      ...(newValue !== undefined ? { newValue } : {}),
    });
  }
  const gained = (x: string[], y: string[]) => {
    const had = new Set(x);
    return y.filter((i) => !had.has(i));
  };
  const roleChanges = {
    addedAdminInboxes: gained(b.metadata.admins, a.metadata.admins),
    removedAdminInboxes: gained(a.metadata.admins, b.metadata.admins),
    addedSuperAdminInboxes: gained(b.metadata.superAdmins, a.metadata.superAdmins),
    removedSuperAdminInboxes: gained(a.metadata.superAdmins, b.metadata.superAdmins),
  };
  const removed = new Set(content.removedInboxes);
  for (const [k, ids] of Object.entries(roleChanges)) {
    // A removed member leaving the admin lists is part of the removal, not news of its own.
    const news = ids.filter((i) => !removed.has(i));
    if (news.length > 0) content[k as keyof typeof roleChanges] = news;
  }
  const empty =
    content.addedInboxes.length +
      content.removedInboxes.length +
      content.metadataFieldChanges.length +
      Object.keys(roleChanges).filter((k) => k in content).length ===
    0;
  return empty ? undefined : content;
}

/** A DM's line when its timer changed (the same metadata_field_changes libxmtp writes). */
function timerUpdateOf(
  b: GroupContextState,
  a: GroupContextState,
  initiatedByInboxId: string,
): GroupUpdatedContent | undefined {
  const changes = DISAPPEAR_FIELDS.filter(
    (f) => b.metadata.attributes[f] !== a.metadata.attributes[f],
  ).map((fieldName) => ({
    fieldName,
    ...(b.metadata.attributes[fieldName] !== undefined
      ? { oldValue: b.metadata.attributes[fieldName] }
      : {}),
    ...(a.metadata.attributes[fieldName] !== undefined
      ? { newValue: a.metadata.attributes[fieldName] }
      : {}),
  }));
  if (changes.length === 0) return undefined;
  return {
    initiatedByInboxId,
    addedInboxes: [],
    removedInboxes: [],
    metadataFieldChanges: changes,
  };
}

const LEAVE_REQUEST = contentTypeToString(ContentTypeLeaveRequest);

/** Removals that answer the removed inbox's own leave request read "left", not "removed". */
async function markLeavers(
  ctx: ClientContext,
  conversationId: string,
  content: GroupUpdatedContent,
): Promise<void> {
  const left: string[] = [];
  for (const inboxId of content.removedInboxes)
    if (await hasRecentMessageOfType(ctx.db, conversationId, inboxId, LEAVE_REQUEST))
      left.push(inboxId);
  if (left.length === 0) return;
  content.removedInboxes = content.removedInboxes.filter((x) => !left.includes(x));
  content.leftInboxes = left;
}

/** Stored as a message of the thread (never sent); its id is derived from the commit's node id. */
export async function recordGroupUpdate(
  ctx: ClientContext,
  before: GroupHandle,
  processed: Extract<Processed, { kind: "commit" }>,
  env: GroupMessage_V1,
): Promise<void> {
  const content = groupUpdateOf(before, processed.group, processed.committerInboxId);
  if (!content) return;
  const conversationId = toHex(env.groupId);
  await markLeavers(ctx, conversationId, content);
  if (content.metadataFieldChanges.some((f) => f.fieldName === "group_name"))
    await upsertConversation(ctx.db, {
      id: conversationId,
      kind: "group",
      createdAtNs: env.createdNs,
      ...groupNameOf(processed.group),
    });
  const id = toHex(sha256(concatBytes(env.groupId, utf8(`\tgroup_updated\t${env.id}`))));
  const { inserted } = await addMessage(
    ctx.db,
    {
      id,
      conversationId,
      senderInboxId: processed.committerInboxId,
      sentAtNs: env.createdNs,
      contentType: "xmtp.org/group_updated:1.0",
      encodedContent: encodeEncodedContent(ctx.codecs.encode(ContentTypeGroupUpdated, content)),
      status: "published",
      nodeId: env.id,
    },
    { permanent: true },
  ); // a line about the conversation itself outlives the timer
  if (inserted) {
    const row = await getMessage(ctx.db, id);
    if (row) ctx.bus.emit(await decodeRow(ctx.codecs, row));
  }
}
