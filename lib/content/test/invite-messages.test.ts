// What travels for invite links (issue 17 item 4): the join request and the typed refusal in
// the DM, the admins' invite_control in the group, and the invites a device shares with the inbox's others through the SYNC group.
// Round trips, the fallback other apps show, and a sentence naming what is wrong otherwise.
import { describe, expect, it } from "vitest";
import {
  defaultRegistry,
  deviceSyncCodec,
  inviteControlCodec,
  joinReplyCodec,
  joinRequestCodec,
} from "..";

const raw = (type: typeof joinRequestCodec.contentType, v: unknown) => ({
  type,
  parameters: {},
  content: new TextEncoder().encode(JSON.stringify(v)),
});

describe("join_request / join_reply", () => {
  it("round-trip, with a fallback for apps that do not know the request", () => {
    const req = { invite: "Cr4BChB2AzPn7PZ_-x" };
    expect(joinRequestCodec.decode(joinRequestCodec.encode(req))).toEqual(req);
    const encoded = defaultRegistry().encode(joinRequestCodec.contentType, req);
    expect(encoded.fallback).toBe("I'd like to join your group with your invite link.");
    const reply = { inviteId: "ab".repeat(16), refused: "used_up" as const };
    expect(joinReplyCodec.decode(joinReplyCodec.encode(reply))).toEqual(reply);
    // The request is news for the inviter (listed, pushed); the automatic refusal is not.
    expect(joinRequestCodec.shouldPush(req)).toBe(true);
    expect(joinReplyCodec.shouldPush(reply)).toBe(false);
  });

  it("refuse malformed content naming the field", () => {
    const T = joinRequestCodec.contentType;
    expect(() => joinRequestCodec.decode(raw(T, { invite: "a b" }))).toThrow(
      /invite must be base64url/,
    );
    expect(() => joinRequestCodec.decode(raw(T, { invite: "x".repeat(2049) }))).toThrow(
      /at most 2048/,
    );
    expect(() => joinRequestCodec.encode({} as never)).toThrow(/invite must be/);
    const R = joinReplyCodec.contentType;
    expect(() => joinReplyCodec.decode(raw(R, { inviteId: "zz", refused: "expired" }))).toThrow(
      /inviteId/,
    );
    expect(() =>
      joinReplyCodec.decode(raw(R, { inviteId: "ab".repeat(16), refused: "nope" })),
    ).toThrow(/refused must be one of expired, revoked, used_up, invalid, no_longer_valid/);
    expect(() =>
      joinReplyCodec.decode({ type: R, parameters: {}, content: new Uint8Array([0xff]) }),
    ).toThrow(/not UTF-8 JSON/);
  });
});

describe("invite_control", () => {
  const claim = {
    action: "claim" as const,
    inviteId: "ab".repeat(16),
    requestId: "cd".repeat(16),
    requester: "e".repeat(64),
    requestedAtNs: "1700000000000000000",
    claimId: "01".repeat(16),
  };

  it("round-trips a claim and a revocation; hidden from other apps and never pushed", () => {
    expect(inviteControlCodec.decode(inviteControlCodec.encode(claim))).toEqual(claim);
    const revoke = { action: "revoke" as const, inviteId: claim.inviteId };
    expect(inviteControlCodec.decode(inviteControlCodec.encode(revoke))).toEqual(revoke);
    const encoded = defaultRegistry().encode(inviteControlCodec.contentType, revoke);
    expect(encoded.fallback).toBeUndefined();
    expect(inviteControlCodec.shouldPush(claim)).toBe(false);
    // A request names its id so the admins can claim it; older requests have none.
    const req = { invite: "Cr4B", requestId: "cd".repeat(16) };
    expect(joinRequestCodec.decode(joinRequestCodec.encode(req))).toEqual(req);
  });

  it("refuses malformed controls naming the field", () => {
    const T = inviteControlCodec.contentType;
    const bad = (v: Record<string, unknown>) => () =>
      inviteControlCodec.decode(raw(T, { ...claim, ...v }));
    expect(bad({ action: "add" })).toThrow(/action must be claim or revoke/);
    expect(bad({ inviteId: "x" })).toThrow(/inviteId must be 32 hex/);
    expect(bad({ requester: "abc" })).toThrow(/requester must be an inbox id/);
    expect(bad({ requestedAtNs: "-3" })).toThrow(/requestedAtNs/);
    expect(bad({ claimId: 7 })).toThrow(/claimId must be 32 hex/);
    expect(() =>
      joinRequestCodec.decode(
        raw(joinRequestCodec.contentType, { invite: "Cr4B", requestId: "no" }),
      ),
    ).toThrow(/requestId must be 32 hex/);
  });
});

describe("device_sync invites", () => {
  it("round-trips and refuses a bad token or use", () => {
    const c = {
      kind: "invites" as const,
      invites: [
        { token: "Cr4B_-", revokedAtNs: "5", usedBy: [{ inboxId: "c".repeat(64), atNs: "7" }] },
      ],
    };
    expect(deviceSyncCodec.decode(deviceSyncCodec.encode(c))).toEqual(c);
    const T = deviceSyncCodec.contentType;
    const bad = (i: Record<string, unknown>) => () =>
      deviceSyncCodec.decode(raw(T, { kind: "invites", invites: [{ ...c.invites[0], ...i }] }));
    expect(bad({ token: "has space" })).toThrow(/invite token is not valid/);
    expect(bad({ revokedAtNs: "-1" })).toThrow(/invite revokedAtNs/);
    expect(bad({ usedBy: [{ inboxId: "xyz", atNs: "1" }] })).toThrow(/invite user inbox/);
    expect(bad({ usedBy: "all" })).toThrow(/usedBy must be a list/);
  });
});
