import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { actionLines, IdentityUpdateBuilder, inboxIdFor, rfc3339Seconds, signatureText } from "..";
import { fromHex } from "../../crypto";
import { IdentityUpdateSchema } from "../../proto/identity/associations/association_pb";
import { expectIdentityError } from "./helpers";

const OWNER = "0x1234567890abcdef1234567890abcdef12345678";
const NEW_ADDR = "0x4567890abcdef1234567890abcdef12345678123";
const NEW_RECOVERY = "0x7890abcdef1234567890abcdef12345678123456";
const KEY_HEX = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";
const KEY = fromHex(KEY_HEX);
const INBOX = inboxIdFor(OWNER);

describe("action lines (XMTP unsigned_actions.rs)", () => {
  const cases: [string, string][] = [
    [actionLines.createInbox(OWNER), `- Create inbox\n  (Owner: ${OWNER})`],
    [actionLines.grantInstallation(KEY_HEX), `- Grant messaging access to app\n  (ID: ${KEY_HEX})`],
    [actionLines.linkAddress(NEW_ADDR), `- Link address to inbox\n  (Address: ${NEW_ADDR})`],
    [
      actionLines.revokeInstallation(KEY_HEX),
      `- Revoke messaging access from app\n  (ID: ${KEY_HEX})`,
    ],
    [actionLines.unlinkAddress(NEW_ADDR), `- Unlink address from inbox\n  (Address: ${NEW_ADDR})`],
    [
      actionLines.changeRecoveryAddress(NEW_RECOVERY),
      `- Change inbox recovery address\n  (Address: ${NEW_RECOVERY})`,
    ],
  ];
  it.each(cases)("%s", (got, want) => expect(got).toBe(want));

  it("each builder action produces its line in the text", () => {
    const lineOf = (b: IdentityUpdateBuilder) => b.signatureText().split("\n\n")[2];
    const b = () => new IdentityUpdateBuilder(INBOX, 0n);
    expect(lineOf(b().createInbox(OWNER.toUpperCase().replace("0X", "0x")))).toBe(
      actionLines.createInbox(OWNER),
    );
    expect(lineOf(b().addInstallation(KEY, OWNER))).toBe(actionLines.grantInstallation(KEY_HEX));
    expect(lineOf(b().addWallet(NEW_ADDR, OWNER))).toBe(actionLines.linkAddress(NEW_ADDR));
    expect(lineOf(b().revokeInstallation(KEY))).toBe(actionLines.revokeInstallation(KEY_HEX));
    expect(lineOf(b().revokeWallet(NEW_ADDR))).toBe(actionLines.unlinkAddress(NEW_ADDR));
    expect(lineOf(b().changeRecoveryAddress(NEW_RECOVERY))).toBe(
      actionLines.changeRecoveryAddress(NEW_RECOVERY),
    );
  });
});

describe("signatureText", () => {
  it("matches libxmtp's all-actions vector (with a 32-byte installation key)", () => {
    const text = new IdentityUpdateBuilder(INBOX, 12n)
      .createInbox(OWNER, 0n)
      .addWallet(NEW_ADDR, OWNER)
      .addInstallation(KEY, OWNER)
      .revokeWallet(NEW_ADDR)
      .revokeInstallation(KEY)
      .changeRecoveryAddress(NEW_RECOVERY)
      .signatureText();
    expect(text).toBe(`XMTP : Authenticate to inbox

Inbox ID: fcd18d86276d7a99fe522dba9660c420f03c8648785ada7c5daae232a3df77a9
Current time: 1970-01-01T00:00:00Z

- Create inbox
  (Owner: 0x1234567890abcdef1234567890abcdef12345678)
- Link address to inbox
  (Address: 0x4567890abcdef1234567890abcdef12345678123)
- Grant messaging access to app
  (ID: ${KEY_HEX})
- Unlink address from inbox
  (Address: 0x4567890abcdef1234567890abcdef12345678123)
- Revoke messaging access from app
  (ID: ${KEY_HEX})
- Change inbox recovery address
  (Address: 0x7890abcdef1234567890abcdef12345678123456)

For more info: https://xmtp.org/signatures`);
  });

  it("gives the full activation (create inbox + grant app) text", () => {
    const builder = new IdentityUpdateBuilder(INBOX, 1_700_000_000_123_456_789n)
      .createInbox(OWNER)
      .addInstallation(KEY, OWNER);
    expect(builder.signatureText()).toBe(
      "XMTP : Authenticate to inbox\n\n" +
        "Inbox ID: fcd18d86276d7a99fe522dba9660c420f03c8648785ada7c5daae232a3df77a9\n" +
        "Current time: 2023-11-14T22:13:20Z\n\n" +
        "- Create inbox\n  (Owner: 0x1234567890abcdef1234567890abcdef12345678)\n" +
        `- Grant messaging access to app\n  (ID: ${KEY_HEX})\n\n` +
        "For more info: https://xmtp.org/signatures",
    );
  });

  it("formats time as RFC 3339, whole seconds truncated, UTC 'Z'", () => {
    expect(rfc3339Seconds(0n)).toBe("1970-01-01T00:00:00Z");
    expect(rfc3339Seconds(1_999_999_999n)).toBe("1970-01-01T00:00:01Z");
    expect(rfc3339Seconds(1_700_000_000_999_999_999n)).toBe("2023-11-14T22:13:20Z");
  });

  it("refuses timestamps libxmtp cannot format and updates with no action", async () => {
    await expectIdentityError(() => rfc3339Seconds(1n << 63n), "timestamp_out_of_range");
    await expectIdentityError(
      () =>
        signatureText(
          create(IdentityUpdateSchema, { inboxId: INBOX, clientTimestampNs: 1n, actions: [] }),
        ),
      "malformed_update",
    );
  });
});
