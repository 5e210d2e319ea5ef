// messenger.app/device_sync:1.0 — what one installation tells the others of its own inbox
// in their SYNC group (never sent anywhere else): consent changes, and the history
// request / reply exchange. Ours, not an XMTP type: only our own devices read it.
import type { ContentCodec } from "./codec";
import type { ContentTypeId } from "./content-type";
import { ContentError } from "./errors";

export const ContentTypeDeviceSync: ContentTypeId = Object.freeze({
  authorityId: "messenger.app",
  typeId: "device_sync",
  versionMajor: 1,
  versionMinor: 0,
});

export interface SyncedConsentRecord {
  kind: "conversation" | "inbox";
  id: string;
  state: "unknown" | "allowed" | "denied";
  /** Decimal nanoseconds (JSON has no bigint). */
  consentedAtNs: string;
}

export type DeviceSyncContent =
  | { kind: "consent"; records: SyncedConsentRecord[] }
  | { kind: "history_request"; requestId: string }
  | {
      kind: "history_reply";
      requestId: string;
      url: string;
      /** Hex: the archive's AES-256-GCM key and nonce, and the SHA-256 of the payload. */
      key: string;
      nonce: string;
      digest: string;
      size: number;
    }
  /** Another device asks which state of these groups is ours (welcome lineages, issue 11 item 9). */
  | { kind: "lineage_request"; requestId: string; groupIds: string[] }
  /** The answer: each group's epoch (decimal) and hex epoch authenticator on this device. */
  | { kind: "lineage_claims"; claims: LineageClaim[] }
  /** Web Push preferences (lib/client/push): the inbox's HMAC root key, the switch, mutes. */
  | { kind: "push_prefs"; prefs: SyncedPushPrefs }
  /** Pinned and archived conversations (lib/client/organize), each choice with its time. */
  | { kind: "conversation_prefs"; prefs: SyncedConversationPref[] }
  /** Invite links this inbox made (lib/client/invites): revocations and uses only grow. */
  | { kind: "invites"; invites: SyncedInvite[] };

export interface SyncedInvite {
  /** The signed link token (base64url): the invite's fixed terms. */
  token: string;
  /** Decimal ns; absent: not revoked. */
  revokedAtNs?: string;
  /** Inboxes added through it, each with when (decimal ns). */
  usedBy: { inboxId: string; atNs: string }[];
}

export interface SyncedConversationPref {
  /** Conversation id, or a DM's dm: id (its duplicate groups share the choice). */
  id: string;
  field: "pinned" | "archived";
  on: boolean;
  /** Decimal ns: last writer wins per conversation and field. */
  atNs: string;
}

/** Every value carries its own time (decimal ns): last writer wins per value. */
export interface SyncedPushPrefs {
  /** Hex 32 bytes; the earliest-made key wins, so every device converges on one. */
  rootKey: string;
  rootKeyAtNs: string;
  enabled: boolean;
  enabledAtNs: string;
  /** Per conversation (a DM's id is its dm: id): muted or not, and when that was chosen. */
  mutes: { id: string; muted: boolean; atNs: string }[];
}

export interface LineageClaim {
  groupId: string;
  epoch: string;
  authenticator: string;
}

const HEX = /^[0-9a-f]*$/;
const str = (v: unknown, name: string, pattern?: RegExp): string => {
  if (typeof v !== "string" || (pattern && !pattern.test(v)))
    throw new ContentError("malformed_content", `device_sync: ${name} is not valid`);
  return v;
};

function check(c: DeviceSyncContent): DeviceSyncContent {
  switch (c?.kind) {
    case "consent":
      if (!Array.isArray(c.records))
        throw new ContentError("malformed_content", "device_sync: records must be a list");
      for (const r of c.records) {
        if (r.kind !== "conversation" && r.kind !== "inbox")
          throw new ContentError(
            "malformed_content",
            `device_sync: record kind "${String(r.kind)}"`,
          );
        str(r.id, "record id", HEX);
        if (!["unknown", "allowed", "denied"].includes(r.state))
          throw new ContentError("malformed_content", `device_sync: state "${String(r.state)}"`);
        str(r.consentedAtNs, "consentedAtNs", /^\d{1,20}$/);
      }
      return c;
    case "history_request":
      str(c.requestId, "requestId", /^[0-9a-f]{32}$/);
      return c;
    case "history_reply":
      str(c.requestId, "requestId", /^[0-9a-f]{32}$/);
      str(c.url, "url", /^https?:\/\//);
      str(c.key, "key", /^[0-9a-f]{64}$/);
      str(c.nonce, "nonce", /^[0-9a-f]{24}$/);
      str(c.digest, "digest", /^[0-9a-f]{64}$/);
      if (!Number.isSafeInteger(c.size) || c.size < 0)
        throw new ContentError("malformed_content", "device_sync: size must be a byte count");
      return c;
    case "lineage_request":
      str(c.requestId, "requestId", /^[0-9a-f]{32}$/);
      if (!Array.isArray(c.groupIds) || c.groupIds.length > 1000)
        throw new ContentError("malformed_content", "device_sync: groupIds must be a list");
      for (const g of c.groupIds) str(g, "group id", /^(?:[0-9a-f]{2})+$/);
      return c;
    case "lineage_claims":
      if (!Array.isArray(c.claims) || c.claims.length > 1000)
        throw new ContentError("malformed_content", "device_sync: claims must be a list");
      for (const x of c.claims) {
        str(x.groupId, "claim group id", /^(?:[0-9a-f]{2})+$/);
        str(x.epoch, "claim epoch", /^\d{1,20}$/);
        str(x.authenticator, "claim authenticator", /^(?:[0-9a-f]{2})+$/);
      }
      return c;
    case "push_prefs": {
      const p = c.prefs;
      str(p?.rootKey, "rootKey", /^[0-9a-f]{64}$/);
      str(p.rootKeyAtNs, "rootKeyAtNs", /^\d{1,20}$/);
      str(p.enabledAtNs, "enabledAtNs", /^\d{1,20}$/);
      if (typeof p.enabled !== "boolean" || !Array.isArray(p.mutes) || p.mutes.length > 10_000)
        throw new ContentError("malformed_content", "device_sync: push prefs are malformed");
      for (const m of p.mutes) {
        str(m.id, "mute id", /^(?:dm:[0-9a-f:]+|[0-9a-f]+)$/);
        str(m.atNs, "mute atNs", /^\d{1,20}$/);
        if (typeof m.muted !== "boolean")
          throw new ContentError("malformed_content", "device_sync: mute must be true or false");
      }
      return c;
    }
    case "conversation_prefs":
      if (!Array.isArray(c.prefs) || c.prefs.length > 10_000)
        throw new ContentError("malformed_content", "device_sync: prefs must be a list");
      for (const p of c.prefs) {
        str(p?.id, "conversation id", /^(?:dm:[0-9a-f:]+|[0-9a-f]+)$/);
        str(p.atNs, "pref atNs", /^\d{1,20}$/);
        if ((p.field !== "pinned" && p.field !== "archived") || typeof p.on !== "boolean")
          throw new ContentError(
            "malformed_content",
            "device_sync: a conversation pref is pinned or archived, true or false",
          );
      }
      return c;
    case "invites":
      if (!Array.isArray(c.invites) || c.invites.length > 10_000)
        throw new ContentError("malformed_content", "device_sync: invites must be a list");
      for (const i of c.invites) {
        str(i?.token, "invite token", /^[A-Za-z0-9_-]{1,2048}$/);
        if (i.revokedAtNs !== undefined) str(i.revokedAtNs, "invite revokedAtNs", /^\d{1,20}$/);
        if (!Array.isArray(i.usedBy) || i.usedBy.length > 10_000)
          throw new ContentError("malformed_content", "device_sync: invite usedBy must be a list");
        for (const u of i.usedBy) {
          str(u?.inboxId, "invite user inbox", /^[0-9a-f]{64}$/);
          str(u.atNs, "invite use atNs", /^\d{1,20}$/);
        }
      }
      return c;
    default:
      throw new ContentError(
        "malformed_content",
        `device_sync: unknown kind "${String((c as { kind?: unknown })?.kind)}"`,
      );
  }
}

export const deviceSyncCodec: ContentCodec<DeviceSyncContent> = {
  contentType: ContentTypeDeviceSync,
  encode: (c) => ({
    type: { ...ContentTypeDeviceSync },
    parameters: {},
    content: new TextEncoder().encode(JSON.stringify(check(c))),
  }),
  decode: (e) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(e.content));
    } catch (cause) {
      throw new ContentError("malformed_content", "device_sync: not UTF-8 JSON", { cause });
    }
    return check(parsed as DeviceSyncContent);
  },
  fallback: () => undefined,
  shouldPush: () => false,
};
