// A client with more conversations than the node takes filters per stream (STREAM_MAX_FILTERS)
// still hears every one of them: ResumableSubscription opens one stream per chunk of topics.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeClient, ResumableSubscription, type StreamEvent } from "../../lib/api";
import { toHex } from "../../lib/crypto";
import { startNode, type StartedNode } from "../../server/test/harness";
import { privateMessage, randomGroupId, utf8 } from "../../server/test/helpers";

const CAP = 3;
const GROUPS = 7; // three streams: 3 + 3 + 1

describe("subscribing to more topics than one stream may carry", () => {
  let node: StartedNode;
  beforeAll(async () => {
    node = await startNode({ env: { STREAM_MAX_FILTERS: String(CAP) } });
  });
  afterAll(() => node?.stop());

  async function firstEvents(
    sub: ResumableSubscription,
    until: (seen: StreamEvent[]) => boolean,
  ): Promise<StreamEvent[]> {
    const seen: StreamEvent[] = [];
    for await (const ev of sub) {
      seen.push(ev);
      if (until(seen)) break;
    }
    return seen;
  }

  it("delivers every topic's messages once, and reports caught up once all streams are", async () => {
    const api = new NodeClient(node.url);
    const groups = Array.from({ length: GROUPS }, () => randomGroupId());
    const sub = new ResumableSubscription(
      api,
      groups.map((id) => ({ topic: { kind: "group" as const, id }, cursor: 0n })),
      CAP,
    );
    const received = firstEvents(sub, (seen) => seen.filter((e) => e.kind === "group").length === GROUPS);
    // Published after the streams are open, one message per group.
    await new Promise((r) => setTimeout(r, 500));
    for (const [i, id] of groups.entries())
      await api.sendGroupMessages([{ data: privateMessage(id, utf8(`m${i}`)), shouldPush: false }]);
    const events = await received;

    expect(events.filter((e) => e.kind === "disconnected")).toEqual([]);
    expect(events.filter((e) => e.kind === "caught_up")).toHaveLength(1);
    const topics = events.flatMap((e) => (e.kind === "group" ? [toHex(e.message.groupId)] : []));
    expect(topics.sort()).toEqual(groups.map(toHex).sort());
  });

  it("is refused by the node as one stream (why the split exists)", async () => {
    const api = new NodeClient(node.url);
    const sub = new ResumableSubscription(
      api,
      Array.from({ length: GROUPS }, () => ({
        topic: { kind: "group" as const, id: randomGroupId() },
        cursor: 0n,
      })),
      GROUPS,
    );
    const [first] = await firstEvents(sub, () => true);
    expect(first?.kind).toBe("disconnected");
    expect(first?.kind === "disconnected" && first.error.message).toMatch(/STREAM_MAX_FILTERS/);
  });
});
