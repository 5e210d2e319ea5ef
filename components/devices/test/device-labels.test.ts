import { describe, expect, it } from "vitest";
import type { InstallationInfo } from "@/lib/client";
import { timeOfDay } from "@/components/format/time";
import { addedLabel, orderDevices, shortDeviceId } from "../device-labels";

const ns = (d: Date) => BigInt(d.getTime()) * 1_000_000n;
const device = (id: string, at: Date | undefined, current = false): InstallationInfo => ({
  id,
  current,
  ...(at ? { createdAtNs: ns(at) } : {}),
});

describe("the devices list", () => {
  it("puts this device first, then the others newest first, undated ones last", () => {
    const list = [
      device("aa", new Date(2026, 0, 1)),
      device("bb", undefined),
      device("cc", new Date(2026, 5, 1)),
      device("dd", new Date(2025, 0, 1), true),
      device("ee", new Date(2026, 2, 1)),
    ];
    expect(orderDevices(list).map((d) => d.id)).toEqual(["dd", "cc", "ee", "aa", "bb"]);
    // The input is left as it was (it may be React state).
    expect(list.map((d) => d.id)).toEqual(["aa", "bb", "cc", "dd", "ee"]);
  });

  it("orders devices added at the same moment by id, so the list does not jump", () => {
    const at = new Date(2026, 0, 1);
    expect(orderDevices([device("b2", at), device("a1", at)]).map((d) => d.id)).toEqual([
      "a1",
      "b2",
    ]);
  });

  it("shows the first 8 hex digits of the installation key", () => {
    expect(shortDeviceId("0A1B2C3D4E5F" + "0".repeat(52))).toBe("0a1b2c3d");
  });

  it("says when a device was added, and that it is unknown when the log has no time", () => {
    const now = new Date(2026, 10, 22, 15, 0);
    const today = new Date(2026, 10, 22, 9, 5);
    const yesterday = new Date(2026, 10, 21, 23, 59);
    expect(addedLabel(ns(today), now)).toBe(`Added today at ${timeOfDay(today)}`);
    expect(addedLabel(ns(yesterday), now)).toBe(`Added yesterday at ${timeOfDay(yesterday)}`);
    expect(addedLabel(ns(new Date(2024, 2, 3)), now)).toMatch(/^Added .*2024/);
    expect(addedLabel(undefined, now)).toBe("Date added unknown");
    expect(addedLabel(0n, now)).toBe("Date added unknown");
  });
});
