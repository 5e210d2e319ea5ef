// The SYNC-group message that carries pin / archive choices (issue 17 item 6) between the
// inbox's devices: what a device may send, and a sentence naming what is wrong otherwise.
import { describe, expect, it } from "vitest";
import { deviceSyncCodec, type DeviceSyncContent } from "..";

const raw = (v: unknown) => ({
  type: deviceSyncCodec.contentType,
  parameters: {},
  content: new TextEncoder().encode(JSON.stringify(v)),
});

describe("device_sync conversation prefs", () => {
  const prefs: DeviceSyncContent = {
    kind: "conversation_prefs",
    prefs: [
      { id: "00ff", field: "pinned", on: true, atNs: "1700000000000000000" },
      { id: `dm:${"a".repeat(64)}:${"b".repeat(64)}`, field: "archived", on: false, atNs: "5" },
    ],
  };

  it("round-trips pins and archives, a DM by its dm: id", () => {
    expect(deviceSyncCodec.decode(deviceSyncCodec.encode(prefs))).toEqual(prefs);
  });

  it("refuses a choice that is neither pinned nor archived, not a boolean, or badly timed", () => {
    const bad = (p: Record<string, unknown>) => () =>
      deviceSyncCodec.decode(
        raw({
          kind: "conversation_prefs",
          prefs: [{ id: "00ff", field: "pinned", on: true, atNs: "1", ...p }],
        }),
      );
    expect(bad({ field: "muted" })).toThrow(/pinned or archived, true or false/);
    expect(bad({ on: "yes" })).toThrow(/pinned or archived, true or false/);
    expect(bad({ atNs: "-1" })).toThrow(/pref atNs is not valid/);
    expect(bad({ id: "<script>" })).toThrow(/conversation id is not valid/);
    expect(() => deviceSyncCodec.decode(raw({ kind: "conversation_prefs", prefs: 3 }))).toThrow(
      /prefs must be a list/,
    );
  });
});
