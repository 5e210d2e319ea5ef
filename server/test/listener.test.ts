// The listener's HTTP/1.1 side behind the outer socket server (server/listener.ts): an idle
// keep-alive connection must close when shutdown asks idle connections to go. Browsers and
// XMTP's SDK keep their connections open, so before this held every SIGTERM for the whole
// grace period (or until the client let go). So did a connection that never sent a request
// (a browser's spare, preconnected socket).
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createListener, type Listener } from "../listener";

let listener: Listener | undefined;
let agent: http.Agent | undefined;
afterEach(() => {
  listener?.closeAll();
  listener?.outer.close();
  agent?.destroy();
});

function get(port: number, keepAlive: http.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: "/", agent: keepAlive }, (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolve(body));
      })
      .on("error", reject);
  });
}

describe.each([
  ["HTTP/1.1 only", { h2c: false }],
  ["h2c beside HTTP/1.1", { h2c: true }],
] as const)("listener (%s)", (_name, config) => {
  it("closes an idle keep-alive HTTP/1.1 connection on closeIdle, so shutdown does not wait for the client", async () => {
    listener = createListener(config, (_req, res) => res.end("ok"));
    const outer = listener.outer;
    await new Promise<void>((resolve) => outer.listen(0, "127.0.0.1", () => resolve()));
    const port = (outer.address() as AddressInfo).port;
    // A client that keeps its socket open for as long as the server lets it.
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect(await get(port, agent)).toBe("ok");
    const socketClosed = new Promise<void>((resolve) =>
      Object.values(agent!.freeSockets)[0]![0]!.once("close", () => resolve()),
    );

    const closed = new Promise<void>((resolve) => outer.close(() => resolve()));
    listener.closeIdle();
    const outcome = await Promise.race([
      Promise.all([closed, socketClosed]).then(() => "closed"),
      new Promise((resolve) => setTimeout(() => resolve("still open after 3 s"), 3_000)),
    ]);
    expect(outcome).toBe("closed");
  });

  it("closes on closeIdle a connection that never sent a request (a browser's preconnect)", async () => {
    listener = createListener(config, (_req, res) => res.end("ok"));
    const outer = listener.outer;
    await new Promise<void>((resolve) => outer.listen(0, "127.0.0.1", () => resolve()));
    const port = (outer.address() as AddressInfo).port;
    const spare = net.connect(port, "127.0.0.1");
    spare.on("error", () => undefined);
    await new Promise<void>((resolve) => spare.once("connect", () => resolve()));
    // And a keep-alive connection that did carry a request, idle now, to be closed as well.
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect(await get(port, agent)).toBe("ok");

    const closed = new Promise<void>((resolve) => outer.close(() => resolve()));
    listener.closeIdle();
    const outcome = await Promise.race([
      closed.then(() => "closed"),
      new Promise((resolve) => setTimeout(() => resolve("still open after 3 s"), 3_000)),
    ]);
    spare.destroy();
    expect(outcome).toBe("closed");
  });

  it("answers a response ended a tick after its body without waiting for the client's delayed ACK (Nagle off)", async () => {
    // Connect's unary answers go out this way: headers and body, then the end a tick later.
    // With Nagle on, those last bytes waited for the ACK of the first (~40 ms delayed ACK).
    listener = createListener(config, (req, res) => {
      const h1 = res as http.ServerResponse; // HTTP/1.1 is what this client speaks
      req.resume();
      req.on("end", () => {
        h1.writeHead(200, { "content-type": "application/proto" });
        h1.write("body");
        setImmediate(() => h1.end());
      });
    });
    const outer = listener.outer;
    await new Promise<void>((resolve) => outer.listen(0, "127.0.0.1", () => resolve()));
    const port = (outer.address() as AddressInfo).port;
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const took: number[] = [];
    for (let i = 0; i < 12; i++) {
      const t0 = performance.now();
      expect(await post(port, agent)).toBe("body");
      took.push(performance.now() - t0);
    }
    const median = took.sort((a, b) => a - b)[6]!;
    expect(median).toBeLessThan(25);
  });
});

/** One POST on the agent's connection, as a browser sends it (its own side has Nagle off). */
function post(port: number, keepAlive: http.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/", method: "POST", agent: keepAlive },
      (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolve(body));
      },
    );
    req.on("socket", (s) => s.setNoDelay(true));
    req.on("error", reject);
    req.end("x".repeat(50));
  });
}

it("h2c: an HTTP/2 request in flight finishes when closeIdle runs", async () => {
  let started!: () => void;
  const inFlight = new Promise<void>((resolve) => (started = resolve));
  listener = createListener({ h2c: true }, (_req, res) => {
    started();
    setTimeout(() => res.end("finished"), 300);
  });
  const outer = listener.outer;
  await new Promise<void>((resolve) => outer.listen(0, "127.0.0.1", () => resolve()));
  const port = (outer.address() as AddressInfo).port;
  const session = http2.connect(`http://127.0.0.1:${port}`);
  session.on("error", () => undefined);
  const req = session.request({ ":path": "/" });
  req.setEncoding("utf8");
  let body = "";
  req.on("data", (d: string) => (body += d));
  const ended = new Promise<string>((resolve) => {
    req.on("end", () => resolve(body));
    req.on("error", (err) => resolve(`error: ${err.message}`));
  });
  await inFlight;
  listener.closeIdle();
  expect(await ended).toBe("finished");
  session.close();
});
