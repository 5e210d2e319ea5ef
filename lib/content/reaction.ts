// xmtp.org/reaction:1.0 (JSON, xmtp-js content-type-reaction) and xmtp.org/reaction:2.0
// (ReactionV2 protobuf, libxmtp). Both decode to the same Reaction. We send 2.0, as the
// current XMTP SDKs do (libxmtp's ReactionCodec is 2.0; browser-sdk encodes through it).

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { utf8 } from "../crypto";
import {
  ReactionAction as ProtoAction,
  ReactionSchema as ProtoSchema,
  ReactionV2Schema,
} from "../proto/mls/message_contents/content_types/reaction_pb";
import type { ContentCodec } from "./codec";
import type { ContentTypeId } from "./content-type";
import { checkString, malformed, utf8Content } from "./params";

export const ContentTypeReaction: ContentTypeId = Object.freeze({
  authorityId: "xmtp.org",
  typeId: "reaction",
  versionMajor: 1,
  versionMinor: 0,
});

export const ContentTypeReactionV2: ContentTypeId = Object.freeze({
  authorityId: "xmtp.org",
  typeId: "reaction",
  versionMajor: 2,
  versionMinor: 0,
});

/** The reaction wire we send. */
export const REACTION_SEND_CONTENT_TYPE: ContentTypeId = ContentTypeReactionV2;

export type ReactionAction = "added" | "removed";
export type ReactionSchema = "unicode" | "shortcode" | "custom";

export interface Reaction {
  /** Hex ID of the message reacted to. */
  reference: string;
  /** Inbox ID of that message's sender (helps attribution in groups). */
  referenceInboxId?: string;
  action: ReactionAction;
  /** How to read `content`: an emoji, a shortcode like ":smile:", or an app-defined value. */
  schema: ReactionSchema;
  content: string;
}

const ACTIONS: readonly ReactionAction[] = ["added", "removed"];
const SCHEMAS: readonly ReactionSchema[] = ["unicode", "shortcode", "custom"];

const ACTION_TO_PROTO: Record<ReactionAction, ProtoAction> = {
  added: ProtoAction.ADDED,
  removed: ProtoAction.REMOVED,
};
const SCHEMA_TO_PROTO: Record<ReactionSchema, ProtoSchema> = {
  unicode: ProtoSchema.UNICODE,
  shortcode: ProtoSchema.SHORTCODE,
  custom: ProtoSchema.CUSTOM,
};

function checkReaction(r: Record<string, unknown>, where: string): Reaction {
  const reference = checkString(r.reference, "reference", where, true);
  const content = checkString(r.content, "content", where, true);
  if (!ACTIONS.includes(r.action as ReactionAction)) {
    throw malformed(
      `${where}: action must be "added" or "removed", got ${JSON.stringify(r.action)}`,
    );
  }
  if (!SCHEMAS.includes(r.schema as ReactionSchema)) {
    throw malformed(
      `${where}: schema must be "unicode", "shortcode" or "custom", got ${JSON.stringify(r.schema)}`,
    );
  }
  const out: Reaction = {
    reference,
    action: r.action as ReactionAction,
    schema: r.schema as ReactionSchema,
    content,
  };
  // JSON null means absent (libxmtp's serde reads it so).
  if (r.referenceInboxId !== undefined && r.referenceInboxId !== null) {
    out.referenceInboxId = checkString(r.referenceInboxId, "referenceInboxId", where);
  }
  return out;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value as Record<string, unknown>;
}

// libxmtp's wording (crates/xmtp_content_types/src/reaction.rs), for both versions.
function reactionFallback(r: Reaction): string {
  return r.action === "removed"
    ? `Removed "${r.content}" from an earlier message`
    : `Reacted with "${r.content}" to an earlier message`;
}

export const reactionCodec: ContentCodec<Reaction> = {
  contentType: ContentTypeReaction,
  encode(reaction) {
    const r = checkReaction(asRecord(reaction), "reaction:1.0");
    // Key order and omission of an absent referenceInboxId as xmtp-js JSON.stringify writes them.
    const json = JSON.stringify({
      action: r.action,
      reference: r.reference,
      referenceInboxId: r.referenceInboxId,
      schema: r.schema,
      content: r.content,
    });
    return { type: { ...ContentTypeReaction }, parameters: {}, content: utf8(json) };
  },
  decode(encoded) {
    const text = utf8Content(encoded.content, "reaction:1.0");
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw malformed(`reaction:1.0: content is not JSON: ${(cause as Error).message}`, cause);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw malformed(`reaction:1.0: content must be a JSON object, got ${text.slice(0, 40)}`);
    }
    return checkReaction(asRecord(value), "reaction:1.0");
  },
  fallback: reactionFallback,
  shouldPush: () => false,
};

export const reactionV2Codec: ContentCodec<Reaction> = {
  contentType: ContentTypeReactionV2,
  encode(reaction) {
    const r = checkReaction(asRecord(reaction), "reaction:2.0");
    const msg = create(ReactionV2Schema, {
      reference: r.reference,
      referenceInboxId: r.referenceInboxId ?? "",
      action: ACTION_TO_PROTO[r.action],
      content: r.content,
      schema: SCHEMA_TO_PROTO[r.schema],
    });
    return {
      type: { ...ContentTypeReactionV2 },
      parameters: {},
      content: toBinary(ReactionV2Schema, msg),
    };
  },
  decode(encoded) {
    let m;
    try {
      m = fromBinary(ReactionV2Schema, encoded.content);
    } catch (cause) {
      throw malformed(`reaction:2.0: content is not a ReactionV2 protobuf`, cause);
    }
    const action = ACTIONS.find((a) => ACTION_TO_PROTO[a] === m.action);
    const schema = SCHEMAS.find((s) => SCHEMA_TO_PROTO[s] === m.schema);
    if (!action)
      throw malformed(`reaction:2.0: action must be ADDED (1) or REMOVED (2), got ${m.action}`);
    if (!schema) {
      throw malformed(
        `reaction:2.0: schema must be UNICODE, SHORTCODE or CUSTOM (1-3), got ${m.schema}`,
      );
    }
    // proto3 cannot tell an empty referenceInboxId from an absent one: empty means absent.
    const r = checkReaction(
      { reference: m.reference, action, schema, content: m.content },
      "reaction:2.0",
    );
    if (m.referenceInboxId !== "") r.referenceInboxId = m.referenceInboxId;
    return r;
  },
  fallback: reactionFallback,
  shouldPush: () => false,
};
