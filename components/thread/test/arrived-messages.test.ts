import { describe, expect, it } from "vitest";
import type { DecodedMessage } from "@/lib/client";
import { stillArriving, withArrived } from "../arrived-messages";

const msg = (id: string, sentAtNs: bigint): DecodedMessage => ({
  id,
  conversationId: "c",
  senderInboxId: "s",
  sentAtNs,
  contentType: "xmtp.org/text:1.0",
  content: id,
  status: "published",
  shouldPush: true,
});

describe("the thread's window with messages shown before they are stored", () => {
  const a = msg("a", 10n);
  const b = msg("b", 20n);

  it("places an arrival in storage order (time, then id)", () => {
    const late = msg("z", 30n);
    const between = msg("m", 15n);
    const tie = msg("0", 20n);
    expect(withArrived([a, b], [late, between, tie]).map((m) => m.id)).toEqual([
      "a",
      "m",
      "0",
      "b",
      "z",
    ]);
  });

  it("once read back, the stored message stands alone: no duplicate, the window unchanged", () => {
    const shown = msg("c", 30n);
    const live = [a, b, shown];
    expect(withArrived(live, [shown])).toBe(live);
    expect(stillArriving(live, [shown])).toEqual([]);
    expect(stillArriving([a, b], [shown])).toEqual([shown]);
  });

  it("never draws an arrival older than the window (history stored before)", () => {
    expect(withArrived([a, b], [msg("old", 5n)])).toEqual([a, b]);
    expect(withArrived([], [msg("first", 5n)]).map((m) => m.id)).toEqual(["first"]);
  });
});
