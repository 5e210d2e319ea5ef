// The abusive client of subscribe-abuse.test.ts, run as its own process (a real
// client elsewhere, and its CPU work does not stall the polite client's timer).
// argv: node URL. stdin: "on" / "off" / "stop" lines. On "stop" it prints one JSON
// line { caughtUp, refusals } and exits.
//   192.0.2.66: four loops of 1,000-filter streams, each held 1 s after caught_up;
//   192.0.2.67: two loops of 3,000-filter streams (over the test's cap).
import { fromBinary, toBinary, create } from "@bufbuild/protobuf";
import { createInterface } from "node:readline";
import {
  SubscribeRequestSchema,
  SubscribeResponseSchema,
} from "../../lib/proto/messenger/node/v1/node_pb";

const url = process.argv[2]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A Connect streaming Subscribe request body, encoded ONCE: an abuser replays the same
 * bytes, so what the test measures is the node's work, not this process's encoding.
 */
function subscribeBody(n: number): Uint8Array<ArrayBuffer> {
  const msg = toBinary(
    SubscribeRequestSchema,
    create(SubscribeRequestSchema, {
      filters: Array.from({ length: n }, () => ({
        topic: { case: "groupId" as const, value: crypto.getRandomValues(new Uint8Array(16)) },
        idCursor: 0n,
      })),
    }),
  );
  const out = new Uint8Array(5 + msg.length);
  new DataView(out.buffer).setUint32(1, msg.length);
  out.set(msg, 5);
  return out;
}

type Outcome = { caughtUp: true } | { error: string };

/** Opens the stream; resolves at caught_up (stream left open until `signal`) or its error. */
async function subscribe(
  ip: string,
  body: Uint8Array<ArrayBuffer>,
  signal: AbortSignal,
): Promise<Outcome> {
  const res = await fetch(`${url}/messenger.node.v1.NodeApi/Subscribe`, {
    method: "POST",
    headers: {
      "content-type": "application/connect+proto",
      "connect-protocol-version": "1",
      "x-forwarded-for": ip,
    },
    body,
    signal,
  });
  if (res.headers.get("content-type") !== "application/connect+proto") {
    return { error: `HTTP ${res.status}: ${await res.text()}` };
  }
  let buf = new Uint8Array(0);
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    const next = new Uint8Array(buf.length + chunk.length);
    next.set(buf);
    next.set(chunk, buf.length);
    buf = next;
    while (buf.length >= 5) {
      const len = new DataView(buf.buffer, buf.byteOffset).getUint32(1);
      if (buf.length < 5 + len) break;
      const flags = buf[0]!;
      const frame = buf.subarray(5, 5 + len);
      buf = buf.subarray(5 + len);
      if (flags & 2) {
        const end = JSON.parse(new TextDecoder().decode(frame)) as {
          error?: { code: string; message: string };
        };
        return { error: end.error ? `${end.error.code}: ${end.error.message}` : "ended" };
      }
      if (fromBinary(SubscribeResponseSchema, frame).event.case === "caughtUp") {
        return { caughtUp: true };
      }
    }
  }
  return { error: "ended" };
}

let active = false;
let stop = false;
let caughtUp = 0;
const open = new Set<AbortController>();
const refusals: Record<string, number> = {};

async function loop(ip: string, body: Uint8Array<ArrayBuffer>) {
  while (!stop) {
    if (!active) {
      await sleep(10);
      continue;
    }
    const ac = new AbortController();
    open.add(ac);
    try {
      const outcome = await subscribe(ip, body, ac.signal);
      if ("caughtUp" in outcome) {
        caughtUp++;
        await sleep(1000); // holds the stream a while, then opens it again
      } else if (!stop && active) {
        const key = outcome.error.replace(/\d+/g, "N");
        refusals[key] = (refusals[key] ?? 0) + 1;
      }
    } catch {
      // aborted by "off" / "stop"
    } finally {
      ac.abort();
      open.delete(ac);
    }
    // Each loop retries 4 times a second, whatever retry-after says: a flood of cheap
    // refusals is test/node/rate-limit.test.ts's subject; this one is expensive streams.
    await sleep(250);
  }
}

const cap = Number(process.env.MAX_FILTERS ?? 1000);
const atCap = subscribeBody(cap);
const oversized = subscribeBody(3 * cap);
const loops = [
  ...Array.from({ length: 4 }, () => loop("192.0.2.66", atCap)),
  ...Array.from({ length: 2 }, () => loop("192.0.2.67", oversized)),
];

createInterface({ input: process.stdin }).on("line", (line) => {
  if (line === "on") active = true;
  if (line === "off" || line === "stop") {
    active = false;
    for (const ac of open) ac.abort();
  }
  if (line === "stop") {
    stop = true;
    void Promise.all(loops).then(() => {
      process.stdout.write(JSON.stringify({ caughtUp, refusals }) + "\n");
      process.exit(0);
    });
  }
});
process.stdout.write("ready\n");
