import { describe, expect, it } from "vitest";
import { MAX_BROADCAST_RECIPIENTS, parseRecipients } from "./recipients";

const ADDR = "0x1234567890abcdef1234567890abcdef12345678";
const INBOX = "fcd18d86276d7a99fe522dba9660c420f03c8648785ada7c5daae232a3df77a9";

describe("parseRecipients", () => {
  it("reads lines, commas and semicolons; addresses, inbox IDs and names; duplicates once", () => {
    const { recipients, problems } = parseRecipients(
      `${ADDR}\n ${ADDR.toUpperCase().replace("0X", "0x")} , ${INBOX.toUpperCase()};alice.eth\n\n`,
    );
    expect(problems).toEqual([]);
    expect(recipients.map((r) => [r.kind, r.value])).toEqual([
      ["address", ADDR],
      ["inbox", INBOX],
      ["name", "alice.eth"],
    ]);
  });

  it("names each bad entry with what is wrong", () => {
    expect(parseRecipients("0xabc, abcdef, hello world, al ice.eth").problems).toEqual([
      { input: "0xabc", reason: "an address is 0x followed by 40 hex digits (this has 3)" },
      { input: "abcdef", reason: "an inbox ID is 64 hex digits (this has 6)" },
      {
        input: "hello world",
        reason: "not an address (0x…), an inbox ID (64 hex) or a name (alice.eth)",
      },
      { input: "al ice.eth", reason: "a name cannot contain spaces" },
    ]);
  });

  it("refuses more recipients than one broadcast takes", () => {
    const many = Array.from(
      { length: MAX_BROADCAST_RECIPIENTS + 1 },
      (_, i) => `0x${i.toString(16).padStart(40, "0")}`,
    );
    expect(parseRecipients(many.join("\n")).problems).toEqual([
      {
        input: `${MAX_BROADCAST_RECIPIENTS + 1} recipients`,
        reason: expect.stringMatching(/at most 500/),
      },
    ]);
  });
});
