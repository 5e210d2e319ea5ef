// Subscribe must not be a cheap denial of service: abusive clients opening several
// streams with thousands of filters, again and again, are throttled (filters per
// stream capped, concurrent streams per client capped, read tokens charged per
// filter), and a polite client on the same node keeps its latency: its p99 under
// abuse stays below twice its idle p99. The abusers run in their own process
// (subscribe-abuser.ts), as they would in the world.
import { spawn } from "node:child_process";
import { createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MlsApi } from "../../lib/proto/mls/api/v1/mls_pb";
import { startNode, type StartedNode } from "../../server/test/harness";
import { privateMessage, randomGroupId, utf8 } from "../../server/test/helpers";

let node: StartedNode;
const MAX_FILTERS = 1000;
const MAX_STREAMS = 2;

beforeAll(async () => {
  node = await startNode({
    env: {
      TRUST_PROXY: "1", // the clients are told apart by x-forwarded-for
      STREAM_MAX_FILTERS: String(MAX_FILTERS),
      STREAM_MAX_PER_CLIENT: String(MAX_STREAMS),
      RATE_LIMIT_READS_PER_MIN: "6000",
      RATE_LIMIT_READ_BURST: "5000",
      RATE_LIMIT_IP_MULTIPLIER: "1",
    },
  });
});
afterAll(async () => {
  await node?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(xs.length * q) - 1)]!;
const stats = (xs: number[]) =>
  `p50 ${pct(xs, 0.5).toFixed(1)} p90 ${pct(xs, 0.9).toFixed(1)} p99 ${pct(xs, 0.99).toFixed(1)} ms (${xs.length} calls)`;

/** The polite client: reads one page of its group every 20 ms; returns each call's ms. */
async function politeRun(
  n: number,
  mls: ReturnType<typeof createClient<typeof MlsApi>>,
  groupId: Uint8Array,
) {
  const out: number[] = [];
  const deadline = Date.now() + 5_000; // bounded: under a flood the calls are slow
  for (let i = 0; i < n && Date.now() < deadline; i++) {
    const t0 = performance.now();
    const res = await mls.queryGroupMessages({ groupId, pagingInfo: { limit: 50 } });
    out.push(performance.now() - t0);
    expect(res.messages).toHaveLength(50);
    await sleep(20);
  }
  return out;
}

function startAbuser() {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "test/node/subscribe-abuser.ts", node.url],
    {
      env: { ...process.env, MAX_FILTERS: String(MAX_FILTERS) },
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const lines: string[] = [];
  let waiter: (() => void) | undefined;
  let buf = "";
  child.stdout!.on("data", (d: Buffer) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      waiter?.();
    }
  });
  const nextLine = async () => {
    while (lines.length === 0) await new Promise<void>((r) => (waiter = r));
    return lines.shift()!;
  };
  return {
    nextLine,
    say: (cmd: string) => child.stdin!.write(cmd + "\n"),
    kill: () => child.kill("SIGKILL"),
  };
}

describe("Subscribe under abuse", () => {
  it("abusiveSubscriberIsThrottledWhilePoliteClientKeepsItsLatency", async () => {
    const forwarded: Interceptor = (next) => (req) => {
      req.header.set("x-forwarded-for", "192.0.2.10");
      return next(req);
    };
    const polite = createClient(
      MlsApi,
      createConnectTransport({ baseUrl: node.url, httpVersion: "1.1", interceptors: [forwarded] }),
    );
    const groupId = randomGroupId();
    for (let i = 0; i < 50; i++) {
      await polite.sendGroupMessages({
        messages: [
          { version: { case: "v1", value: { data: privateMessage(groupId, utf8(`m${i}`)) } } },
        ],
      });
    }
    const abuser = startAbuser();
    try {
      expect(await abuser.nextLine()).toBe("ready");
      await politeRun(30, polite, groupId); // warm up
      // Idle and abuse windows alternate, so the machine's other load weighs on both alike.
      const idle: number[] = [];
      const underAbuse: number[] = [];
      for (let round = 0; round < 8; round++) {
        idle.push(...(await politeRun(50, polite, groupId)));
        abuser.say("on");
        await sleep(200);
        underAbuse.push(...(await politeRun(50, polite, groupId)));
        abuser.say("off");
        await sleep(100);
      }
      abuser.say("stop");
      const report = JSON.parse(await abuser.nextLine()) as {
        caughtUp: number;
        refusals: Record<string, number>;
      };
      console.log(
        `subscribe abuse: polite idle ${stats(idle)}; under abuse ${stats(underAbuse)}; abusers caught up ${report.caughtUp} times; refusals ${JSON.stringify(report.refusals)}`,
      );
      expect(pct(underAbuse, 0.99)).toBeLessThan(2 * pct(idle, 0.99));
      const said = Object.keys(report.refusals).join("\n");
      expect(said).toMatch(
        /invalid_argument: .*at most N filters per stream \(STREAM_MAX_FILTERS\)/,
      );
      expect(said).toMatch(
        /resource_exhausted: too many streams: N streams open .*at most N per client \(STREAM_MAX_PER_CLIENT\)/,
      );
      expect(said).toMatch(/resource_exhausted: rate limit: too many reads/);
    } finally {
      abuser.kill();
    }
  }, 60_000);
});
