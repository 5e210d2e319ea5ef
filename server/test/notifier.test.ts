// Cross-node wake-ups (store/notifier.ts): packed under PostgreSQL's payload cap, one
// statement at a time, the highest id per topic, and a send waits for its wake-up.
import { describe, expect, it } from "vitest";
import { MAX_PAYLOAD, Notifier, packPayloads, unpackPayload } from "../store/notifier";

describe("wake-up payloads", () => {
  it("pack 500 topics into payloads under the cap and unpack to the same events", () => {
    const latest = new Map(
      Array.from({ length: 500 }, (_, i) => [`g:${i.toString(16).padStart(64, "0")}`, BigInt(i)]),
    );
    const payloads = packPayloads("node1234", latest);
    expect(payloads.length).toBeGreaterThan(1);
    for (const p of payloads) expect(p.length).toBeLessThan(MAX_PAYLOAD);
    const bad: string[] = [];
    const events = payloads.flatMap((p) => unpackPayload(p, (l) => bad.push(l)));
    expect(bad).toEqual([]);
    expect(events.map((e) => [e.event.topic, e.event.id])).toEqual([...latest]);
    expect(new Set(events.map((e) => e.origin))).toEqual(new Set(["node1234"]));
  });

  it("reports a malformed line and keeps the good ones", () => {
    const bad: string[] = [];
    const events = unpackPayload("n1 g:ab 7\ngarbage\nn1 w:cd x1", (l) => bad.push(l));
    expect(events).toEqual([{ origin: "n1", event: { topic: "g:ab", id: 7n } }]);
    expect(bad).toEqual(["garbage", "n1 w:cd x1"]);
  });
});

describe("Notifier", () => {
  it("sends one statement at a time, the highest id per topic, and resolves each add once sent", async () => {
    const sent: string[][] = [];
    let release!: () => void;
    const n = new Notifier("n1", async (payloads) => {
      sent.push(payloads);
      if (sent.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = n.add([{ topic: "g:aa", id: 1n }]);
    // While the first statement is out, later events wait and merge.
    let secondDone = false;
    const second = n
      .add([
        { topic: "g:aa", id: 3n },
        { topic: "g:bb", id: 2n },
      ])
      .then(() => (secondDone = true));
    const third = n.add([{ topic: "g:aa", id: 2n }]);
    await new Promise((r) => setTimeout(r, 10));
    expect(sent).toEqual([["n1 g:aa 1"]]);
    expect(secondDone).toBe(false);
    release();
    await Promise.all([first, second, third]);
    expect(sent).toEqual([["n1 g:aa 1"], ["n1 g:aa 3\nn1 g:bb 2"]]);
  });

  it("fails the sends whose wake-up could not go out", async () => {
    const n = new Notifier("n1", () => Promise.reject(new Error("database gone")));
    await expect(n.add([{ topic: "g:aa", id: 1n }])).rejects.toThrow("database gone");
  });
});
