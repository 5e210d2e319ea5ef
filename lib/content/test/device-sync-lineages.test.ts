// The SYNC-group messages that settle a contested conversation (issue 11 item 9): a
// request naming group ids, and claims of epoch + authenticator. Bad input names its field.
import { describe, expect, it } from "vitest";
import { deviceSyncCodec, type DeviceSyncContent } from "..";

const roundTrip = (c: DeviceSyncContent) => deviceSyncCodec.decode(deviceSyncCodec.encode(c));
const raw = (v: unknown) => ({
  type: deviceSyncCodec.contentType,
  parameters: {},
  content: new TextEncoder().encode(JSON.stringify(v)),
});

describe("device_sync lineage messages", () => {
  const request: DeviceSyncContent = {
    kind: "lineage_request",
    requestId: "ab".repeat(16),
    groupIds: ["00ff", "a1b2c3"],
  };
  const claims: DeviceSyncContent = {
    kind: "lineage_claims",
    claims: [{ groupId: "00ff", epoch: "12", authenticator: "cd".repeat(32) }],
  };

  it("round-trips a request and its claims", () => {
    expect(roundTrip(request)).toEqual(request);
    expect(roundTrip(claims)).toEqual(claims);
  });

  it("refuses a claim whose epoch or authenticator is not what it says, naming it", () => {
    const bad = (claim: Record<string, unknown>) => () =>
      deviceSyncCodec.decode(raw({ kind: "lineage_claims", claims: [claim] }));
    expect(bad({ groupId: "00ff", epoch: "-1", authenticator: "cd" })).toThrow(/claim epoch/);
    expect(bad({ groupId: "00ff", epoch: "1", authenticator: "xyz" })).toThrow(
      /claim authenticator/,
    );
    expect(bad({ groupId: "0", epoch: "1", authenticator: "cd" })).toThrow(/claim group id/);
    expect(() =>
      deviceSyncCodec.decode(raw({ kind: "lineage_request", requestId: "ab".repeat(16) })),
    ).toThrow(/groupIds/);
  });
});
