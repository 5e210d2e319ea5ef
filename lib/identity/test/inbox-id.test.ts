import { describe, expect, it } from "vitest";
import { inboxIdFor } from "..";
import { expectIdentityError } from "./helpers";

describe("inboxIdFor", () => {
  it("matches the PROTOCOL.md / libxmtp vector", () => {
    expect(inboxIdFor("0x1234567890abcdef1234567890abcdef12345678", 0n)).toBe(
      "fcd18d86276d7a99fe522dba9660c420f03c8648785ada7c5daae232a3df77a9",
    );
  });

  it("defaults the nonce to 0 and ignores address case", () => {
    const v = "fcd18d86276d7a99fe522dba9660c420f03c8648785ada7c5daae232a3df77a9";
    expect(inboxIdFor("0x1234567890ABCDEF1234567890abcdef12345678")).toBe(v);
  });

  it("gives a different inbox for another nonce", () => {
    expect(inboxIdFor("0x1234567890abcdef1234567890abcdef12345678", 1n)).not.toBe(
      inboxIdFor("0x1234567890abcdef1234567890abcdef12345678", 0n),
    );
  });

  it("refuses something that is not an address", async () => {
    await expectIdentityError(() => inboxIdFor("0x1234"), "malformed_update");
    await expectIdentityError(
      () => inboxIdFor("1234567890abcdef1234567890abcdef12345678"),
      "malformed_update",
    );
  });
});
