// xmtp.org/group_updated:1.0: GroupUpdated protobuf (transcript_messages.proto). Made
// locally by each member for every applied commit and stored in the thread; never sent.

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  GroupUpdated_InboxSchema,
  GroupUpdated_MetadataFieldChangeSchema,
  GroupUpdatedSchema,
} from "../proto/mls/message_contents/transcript_messages_pb";
import type { ContentCodec } from "./codec";
import type { ContentTypeId } from "./content-type";
import { ContentError } from "./errors";

export const ContentTypeGroupUpdated: ContentTypeId = Object.freeze({
  authorityId: "xmtp.org",
  typeId: "group_updated",
  versionMajor: 1,
  versionMinor: 0,
});

export interface GroupUpdatedContent {
  initiatedByInboxId: string;
  addedInboxes: string[];
  removedInboxes: string[];
  metadataFieldChanges: { fieldName: string; oldValue?: string; newValue?: string }[];
  /** Removed because they asked to leave (a subset of the removals, listed here instead). */
  leftInboxes?: string[];
  addedAdminInboxes?: string[];
  removedAdminInboxes?: string[];
  addedSuperAdminInboxes?: string[];
  removedSuperAdminInboxes?: string[];
}

const INBOX_LISTS = [
  "leftInboxes",
  "addedAdminInboxes",
  "removedAdminInboxes",
  "addedSuperAdminInboxes",
  "removedSuperAdminInboxes",
] as const;

const toInboxes = (ids: string[] | undefined) =>
  (ids ?? []).map((inboxId) => create(GroupUpdated_InboxSchema, { inboxId }));

export const groupUpdatedCodec: ContentCodec<GroupUpdatedContent> = {
  contentType: ContentTypeGroupUpdated,
  encode(c) {
    const msg = create(GroupUpdatedSchema, {
      initiatedByInboxId: c.initiatedByInboxId,
      addedInboxes: c.addedInboxes.map((inboxId) => create(GroupUpdated_InboxSchema, { inboxId })),
      removedInboxes: c.removedInboxes.map((inboxId) =>
        create(GroupUpdated_InboxSchema, { inboxId }),
      ),
      metadataFieldChanges: c.metadataFieldChanges.map((f) =>
        create(GroupUpdated_MetadataFieldChangeSchema, f),
      ),
      ...Object.fromEntries(INBOX_LISTS.map((k) => [k, toInboxes(c[k])])),
    });
    return {
      type: { ...ContentTypeGroupUpdated },
      parameters: {},
      content: toBinary(GroupUpdatedSchema, msg),
    };
  },
  decode(encoded) {
    let m;
    try {
      m = fromBinary(GroupUpdatedSchema, encoded.content);
    } catch (cause) {
      throw new ContentError("malformed_content", "group_updated: not a GroupUpdated protobuf", {
        cause,
      });
    }
    return {
      initiatedByInboxId: m.initiatedByInboxId,
      addedInboxes: m.addedInboxes.map((i) => i.inboxId),
      removedInboxes: m.removedInboxes.map((i) => i.inboxId),
      metadataFieldChanges: m.metadataFieldChanges.map((f) => ({
        fieldName: f.fieldName,
        ...(f.oldValue !== undefined ? { oldValue: f.oldValue } : {}),
        ...(f.newValue !== undefined ? { newValue: f.newValue } : {}),
      })),
      // Empty lists are left out, so older lines decode exactly as they were written.
      ...Object.fromEntries(
        INBOX_LISTS.filter((k) => m[k].length > 0).map((k) => [k, m[k].map((i) => i.inboxId)]),
      ),
    };
  },
  fallback: () => undefined,
  shouldPush: () => false,
};
