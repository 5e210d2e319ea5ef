// The lean load generator of publish.ts, run in a child process of its own (forked by
// publishers.ts's sendLean): real clients are on other machines, so the figure should
// not carry a client sharing the node's process or Connect's client-side cost. It sends
// what our app's Connect client sends (Connect unary, binary body, `application/proto`),
// pre-encoded by the parent: per lane, one keep-alive HTTP/1.1 connection, or all lanes
// as streams of one h2c session (node:http2); each lane sends its bodies in order, one
// request in flight. Replies to each job with msg/s and its own CPU time.
import { once } from "node:events";
import http2 from "node:http2";
import net from "node:net";

export interface LeanJob {
  url: string;
  path: string;
  protocol: "h1" | "h2";
  /** One per lane: the address it claims (x-forwarded-for) and the bodies it sends, in order. */
  lanes: { address: string; bodies: Uint8Array[] }[];
  /** Messages the bodies carry in all (for the rate). */
  messages: number;
}

export interface LeanResult {
  rate: number;
  /** This client process's CPU time during the sends, ms. */
  cpuMs: number;
}

const HEADERS = { "content-type": "application/proto", "connect-protocol-version": "1" };

/** A lane's HTTP/1.1 requests, head and body, as bytes. */
function requestsH1(url: URL, path: string, lane: LeanJob["lanes"][number]): Buffer[] {
  const head = (length: number) =>
    Object.entries({ ...HEADERS, host: url.host, "x-forwarded-for": lane.address })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("") + `content-length: ${length}\r\n\r\n`;
  return lane.bodies.map((body) =>
    Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\n${head(body.byteLength)}`), body]),
  );
}

/**
 * One lane's HTTP/1.1 keep-alive connection, written and read by hand: each request's
 * bytes (head and body) are built before the clock starts, and a response is read only
 * for its status and length. node:http's client cost ~340 µs of CPU per one-message send
 * here (about half the node's own), this ~120 µs: mostly the two system calls.
 */
async function laneH1(url: URL, requests: Buffer[]) {
  const socket = net.connect(Number(url.port), url.hostname);
  socket.setNoDelay(true);
  await once(socket, "connect");
  let buffered: Buffer = Buffer.alloc(0);
  let answered: ((err?: Error) => void) | undefined;
  // A response is complete when its head and content-length bytes of body are in.
  const tryComplete = () => {
    const headEnd = buffered.indexOf("\r\n\r\n");
    if (headEnd < 0 || !answered) return;
    const head = buffered.toString("latin1", 0, headEnd);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1]);
    if (!Number.isFinite(length)) return answered(new Error(`no content-length: ${head}`));
    if (buffered.length < headEnd + 4 + length) return;
    buffered = buffered.subarray(headEnd + 4 + length);
    const done = answered;
    answered = undefined;
    done(head.startsWith("HTTP/1.1 200 ") ? undefined : new Error(head.split("\r\n", 1)[0]));
  };
  socket.on("error", (err) => answered?.(err));
  socket.on("data", (chunk: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    tryComplete();
  });
  try {
    for (const request of requests)
      await new Promise<void>((resolve, reject) => {
        answered = (err) => (err ? reject(err) : resolve());
        socket.write(request);
      });
  } finally {
    socket.destroy();
  }
}

function postH2(
  session: http2.ClientHttp2Session,
  path: string,
  address: string,
  body: Uint8Array,
) {
  return new Promise<void>((resolve, reject) => {
    const stream = session.request({
      ":method": "POST",
      ":path": path,
      ...HEADERS,
      "content-length": body.byteLength,
      "x-forwarded-for": address,
    });
    let status = 0;
    stream.on("response", (h) => (status = Number(h[":status"])));
    stream.on("data", () => undefined);
    stream.on("end", () => (status === 200 ? resolve() : reject(new Error(`HTTP/2 ${status}`))));
    stream.on("error", reject);
    stream.end(body);
  });
}

async function run(job: LeanJob): Promise<LeanResult> {
  const url = new URL(job.url);
  const session = job.protocol === "h2" ? http2.connect(job.url) : undefined;
  const h1 = session ? [] : job.lanes.map((lane) => requestsH1(url, job.path, lane));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    job.lanes.map(async (lane, i) => {
      if (!session) return laneH1(url, h1[i]!);
      for (const body of lane.bodies) await postH2(session, job.path, lane.address, body);
    }),
  );
  const rate = (job.messages * 1000) / (performance.now() - t0);
  const cpu = process.cpuUsage(cpu0);
  session?.close();
  return { rate, cpuMs: (cpu.user + cpu.system) / 1000 };
}

// One job after another, as the parent sends them (a warm client for every round); the
// parent disconnecting ends the process.
process.on("message", (job: LeanJob) => {
  run(job).then(
    (r) => process.send!({ ok: r }),
    (err: unknown) => process.send!({ error: String(err) }, () => process.exit(1)),
  );
});
process.on("disconnect", () => process.exit(0));
