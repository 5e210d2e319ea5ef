// The invite token on its own: made and opened with real Ed25519 keys; every field changed
// after signing, a token signed by another key, an expired one and damaged text are refused
// with the error a person can act on.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { generateEd25519KeyPair, ed25519Sign, toHex } from "../../crypto";
import { InviteTokenSchema, SignedInviteSchema } from "../../proto/messenger/invites/v1/invite_pb";
import { ClientError } from "../errors";
import { openInvite, signInvite, tokenOfLink } from "./token";

const INBOX = "ab".repeat(32);
const GROUP = "cd".repeat(16);
const keys = generateEd25519KeyPair();
const signer = { inboxId: INBOX, ...keys };
const DAY = 24 * 3600_000;

const b64u = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
const unb64u = (t: string) =>
  Uint8Array.from(atob(t.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));

function refusal(fn: () => unknown): ClientError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ClientError);
    return err as ClientError;
  }
  throw new Error("expected a refusal");
}

describe("invite token", () => {
  it("opens what it signed: group, inviter, device, expiry, uses, optional name", () => {
    const expiresAt = new Date(Date.now() + DAY);
    const { token, invite } = signInvite(signer, {
      groupId: GROUP,
      expiresAt,
      maxUses: 3,
      groupName: "Trip",
    });
    const opened = openInvite(`https://app.example/invite#${token}`);
    expect(opened).toEqual(invite);
    expect(opened).toMatchObject({
      groupId: GROUP,
      inviterInboxId: INBOX,
      inviterInstallation: toHex(keys.publicKey),
      maxUses: 3,
      groupName: "Trip",
    });
    expect(opened.expiresAt.getTime()).toBe(expiresAt.getTime());
    expect(opened.inviteId).toMatch(/^[0-9a-f]{32}$/);
    // No name unless the admin chose to include it.
    const plain = signInvite(signer, { groupId: GROUP, expiresAt });
    expect(openInvite(plain.token).groupName).toBeUndefined();
    // Two links for the same group are revocable one by one.
    expect(plain.invite.inviteId).not.toBe(opened.inviteId);
  });

  it("refuses every field changed after signing", () => {
    const { token } = signInvite(signer, {
      groupId: GROUP,
      expiresAt: new Date(Date.now() + DAY),
      maxUses: 1,
    });
    const signed = fromBinary(SignedInviteSchema, unb64u(token));
    const edits: Record<string, (t: ReturnType<typeof decodeToken>) => void> = {
      group: (t) => (t.groupId = new Uint8Array(16).fill(7)),
      inviter: (t) => (t.inviterInboxId = "ef".repeat(32)),
      expiry: (t) => (t.expiresAtNs += 365n * 86_400_000_000_000n),
      uses: (t) => (t.maxUses = 0),
      name: (t) => (t.groupName = "Free crypto"),
      id: (t) => (t.inviteId = new Uint8Array(16)),
      admins: (t) => t.adminInboxIds.push("ef".repeat(32)),
    };
    for (const [field, edit] of Object.entries(edits)) {
      const t = decodeToken(signed.token);
      edit(t);
      const tampered = b64u(
        toBinary(
          SignedInviteSchema,
          create(SignedInviteSchema, {
            token: toBinary(InviteTokenSchema, t),
            signature: signed.signature,
          }),
        ),
      );
      const err = refusal(() => openInvite(tampered));
      expect(err.code, field).toBe("invalid_invite");
      expect(err.message, field).toMatch(/signature does not match/);
    }
  });

  it("refuses a token signed by another key than the device it names", () => {
    const { token } = signInvite(signer, { groupId: GROUP, expiresAt: new Date(Date.now() + DAY) });
    const signed = fromBinary(SignedInviteSchema, unb64u(token));
    const other = generateEd25519KeyPair();
    const forged = b64u(
      toBinary(
        SignedInviteSchema,
        create(SignedInviteSchema, {
          token: signed.token,
          signature: ed25519Sign(signed.token, other.privateKey),
        }),
      ),
    );
    expect(refusal(() => openInvite(forged)).message).toMatch(/signature does not match/);
  });

  it("names the admins to ask, its maker first and each once, at most 8", () => {
    const others = Array.from({ length: 10 }, (_, i) => i.toString(16).padStart(2, "0").repeat(32));
    const { invite } = signInvite(signer, {
      groupId: GROUP,
      expiresAt: new Date(Date.now() + DAY),
      admins: [others[0]!, INBOX, others[0]!, ...others],
    });
    expect(invite.admins).toEqual([INBOX, ...others.slice(0, 7)]);
    expect(
      openInvite(
        signInvite(signer, { groupId: GROUP, expiresAt: new Date(Date.now() + DAY) }).token,
      ).admins,
    ).toEqual([INBOX]);
    expect(
      refusal(() =>
        signInvite(signer, {
          groupId: GROUP,
          expiresAt: new Date(Date.now() + DAY),
          admins: ["x"],
        }),
      ).message,
    ).toMatch(/admins must be inbox ids/);
    // Signed by the right key, but the maker is not first: refused, not guessed at.
    const { token } = signInvite(signer, { groupId: GROUP, expiresAt: new Date(Date.now() + DAY) });
    const t = decodeToken(fromBinary(SignedInviteSchema, unb64u(token)).token);
    t.adminInboxIds = [others[1]!, INBOX];
    const bytes = toBinary(InviteTokenSchema, t);
    const reordered = b64u(
      toBinary(
        SignedInviteSchema,
        create(SignedInviteSchema, {
          token: bytes,
          signature: ed25519Sign(bytes, keys.privateKey),
        }),
      ),
    );
    expect(refusal(() => openInvite(reordered)).message).toMatch(/list of admins is malformed/);
  });

  it("refuses an expired link with its own code", () => {
    const now = Date.now();
    const { token } = signInvite(signer, { groupId: GROUP, expiresAt: new Date(now + 1000) }, now);
    expect(openInvite(token, now + 999).groupId).toBe(GROUP);
    const err = refusal(() => openInvite(token, now + 1000));
    expect(err.code).toBe("invite_expired");
    expect(err.message).toBe("This invite has expired: ask for a new link");
  });

  it("refuses malformed links naming what is wrong", () => {
    const { token } = signInvite(signer, { groupId: GROUP, expiresAt: new Date(Date.now() + DAY) });
    expect(refusal(() => openInvite("https://app.example/invite#")).message).toMatch(
      /nothing after #/,
    );
    expect(refusal(() => openInvite("not a token!")).message).toMatch(/characters/);
    expect(refusal(() => openInvite(token.slice(0, token.length / 2))).message).toMatch(
      /cut short or damaged/,
    );
    // Someone else's signed bytes (not an invite) under a valid signature.
    const t = decodeToken(fromBinary(SignedInviteSchema, unb64u(token)).token);
    t.purpose = "messenger readd request v1";
    const bytes = toBinary(InviteTokenSchema, t);
    const other = b64u(
      toBinary(
        SignedInviteSchema,
        create(SignedInviteSchema, {
          token: bytes,
          signature: ed25519Sign(bytes, keys.privateKey),
        }),
      ),
    );
    expect(refusal(() => openInvite(other)).message).toMatch(/not an invite/);
    expect(tokenOfLink(`  ${token} `)).toBe(token);
  });

  it("refuses bad terms when making a link, naming the argument", () => {
    const soon = new Date(Date.now() + DAY);
    expect(
      refusal(() => signInvite(signer, { groupId: GROUP, expiresAt: new Date(Date.now() - 1) }))
        .message,
    ).toMatch(/expiresAt/);
    expect(
      refusal(() => signInvite(signer, { groupId: GROUP, expiresAt: soon, maxUses: -1 })).message,
    ).toMatch(/maxUses/);
    expect(
      refusal(() => signInvite(signer, { groupId: GROUP, expiresAt: soon, maxUses: 1.5 })).message,
    ).toMatch(/maxUses/);
    expect(refusal(() => signInvite(signer, { groupId: "XYZ", expiresAt: soon })).message).toMatch(
      /groupId/,
    );
    expect(
      refusal(() =>
        signInvite(signer, { groupId: GROUP, expiresAt: soon, groupName: "x".repeat(101) }),
      ).message,
    ).toMatch(/groupName/);
  });
});

function decodeToken(bytes: Uint8Array) {
  return fromBinary(InviteTokenSchema, bytes);
}
