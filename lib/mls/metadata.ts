// Immutable group metadata: GroupMetadataV1 in the group-context extension 0xF000
// (openmls ImmutableMetadata), extension_data = opaque<V> around the protobuf bytes,
// as openmls' `Metadata { metadata: Vec<u8> }` serialises it.

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { Extension } from "ts-mls";
import { encode } from "ts-mls/codec/tlsEncoder.js";
import { decodeVarLenData, varLenDataEncoder } from "ts-mls/codec/variableLength.js";
import {
  ConversationType,
  DmMembersSchema,
  GroupMetadataV1Schema,
  InboxSchema,
} from "../proto/mls/message_contents/group_metadata_pb";
import { IMMUTABLE_METADATA_EXTENSION_TYPE } from "./constants";
import { isInboxId } from "./credential";
import { MlsError } from "./errors";

export type ConversationKind = "dm" | "group" | "sync";

export interface GroupMetadata {
  conversationType: ConversationKind;
  creatorInboxId: string;
  /** DMs only: the two inboxes, creator first. */
  dmMembers?: [string, string];
}

const toProtoType: Record<ConversationKind, ConversationType> = {
  group: ConversationType.GROUP,
  dm: ConversationType.DM,
  sync: ConversationType.SYNC,
};

/** Throws MlsError(code) naming the broken rule. */
export function validateMetadata(
  m: GroupMetadata,
  code: "invalid_argument" | "invalid_metadata",
): void {
  if (!(m.conversationType in toProtoType)) {
    throw new MlsError(
      code,
      `conversation_type ${String(m.conversationType)} is not dm, group or sync`,
    );
  }
  if (!isInboxId(m.creatorInboxId))
    throw new MlsError(code, "creator_inbox_id is not 64 lowercase hex characters");
  if (m.conversationType === "dm") {
    const members = m.dmMembers;
    if (members === undefined) throw new MlsError(code, "a DM must carry dm_members");
    if (!members.every(isInboxId))
      throw new MlsError(code, "dm_members must be two inbox IDs (64 lowercase hex)");
    if (members[0] === members[1])
      throw new MlsError(code, "dm_members must be two different inboxes");
    if (!members.includes(m.creatorInboxId))
      throw new MlsError(code, "a DM's creator must be one of its dm_members");
  } else if (m.dmMembers !== undefined) {
    throw new MlsError(code, `dm_members is only allowed on a DM, not on a ${m.conversationType}`);
  }
}

export function metadataExtension(m: GroupMetadata): Extension {
  validateMetadata(m, "invalid_argument");
  const proto = create(GroupMetadataV1Schema, {
    conversationType: toProtoType[m.conversationType],
    creatorInboxId: m.creatorInboxId,
    dmMembers:
      m.dmMembers === undefined
        ? undefined
        : create(DmMembersSchema, {
            dmMemberOne: create(InboxSchema, { inboxId: m.dmMembers[0] }),
            dmMemberTwo: create(InboxSchema, { inboxId: m.dmMembers[1] }),
          }),
  });
  return {
    extensionType: IMMUTABLE_METADATA_EXTENSION_TYPE,
    extensionData: encode(varLenDataEncoder)(toBinary(GroupMetadataV1Schema, proto)),
  };
}

export function findMetadataExtension(extensions: Extension[]): Extension | undefined {
  return extensions.find((e) => e.extensionType === IMMUTABLE_METADATA_EXTENSION_TYPE);
}

/** Reads and validates the metadata extension; throws MlsError("invalid_metadata"). */
export function readMetadata(extensions: Extension[]): GroupMetadata {
  const found = extensions.filter((e) => e.extensionType === IMMUTABLE_METADATA_EXTENSION_TYPE);
  if (found.length !== 1 || found[0] === undefined) {
    throw new MlsError(
      "invalid_metadata",
      `group context has ${found.length} immutable metadata extensions (0xF000), expected 1`,
    );
  }
  const data = found[0].extensionData;
  const inner = decodeVarLenData(data, 0);
  if (inner === undefined || inner[1] !== data.length) {
    throw new MlsError("invalid_metadata", "metadata extension data is not one opaque<V> value");
  }
  let proto;
  try {
    proto = fromBinary(GroupMetadataV1Schema, inner[0]);
  } catch (err) {
    throw new MlsError("invalid_metadata", "metadata extension is not a protobuf GroupMetadataV1", {
      cause: err,
    });
  }
  const kind = (Object.keys(toProtoType) as ConversationKind[]).find(
    (k) => toProtoType[k] === proto.conversationType,
  );
  if (kind === undefined) {
    throw new MlsError(
      "invalid_metadata",
      `conversation_type ${proto.conversationType} is not GROUP, DM or SYNC`,
    );
  }
  const one = proto.dmMembers?.dmMemberOne?.inboxId;
  const two = proto.dmMembers?.dmMemberTwo?.inboxId;
  const m: GroupMetadata = { conversationType: kind, creatorInboxId: proto.creatorInboxId };
  if (proto.dmMembers !== undefined) m.dmMembers = [one ?? "", two ?? ""];
  validateMetadata(m, "invalid_metadata");
  return m;
}

/** Which inboxes may hold leaves: a DM only its two members, a sync group only its owner. */
export function inboxAllowed(m: GroupMetadata, inboxId: string): boolean {
  if (m.conversationType === "dm") return m.dmMembers?.includes(inboxId) ?? false;
  if (m.conversationType === "sync") return inboxId === m.creatorInboxId;
  return true;
}
