// HTTP/2 on a real node process: with a certificate (TLS, ALPN h2 + http/1.1) and as
// h2c behind a TLS-terminating proxy. Connect and gRPC-web unary calls and a Subscribe
// stream over HTTP/2 (connect-node's HTTP/2 transport and a bare node:http2 client),
// many streams multiplexed on ONE connection (what HTTP/1.1's 6 connections per origin
// could not carry), and HTTP/1.1 still answered on the same port.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http2 from "node:http2";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { createClient } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcWebTransport,
  Http2SessionManager,
} from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeApi } from "../../lib/proto/messenger/node/v1/node_pb";
import { MlsApi } from "../../lib/proto/mls/api/v1/mls_pb";
import { startNode, type StartedNode } from "./harness";
import { privateMessage, randomGroupId, utf8 } from "./helpers";
import { TEST_DATABASE_URL } from "./stores";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "node-tls-"));
const certFile = path.join(dir, "cert.pem");
const keyFile = path.join(dir, "key.pem");
// A throwaway self-signed certificate for 127.0.0.1 (openssl is on every machine we run on).
execFileSync(
  "openssl",
  [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    keyFile,
    "-out",
    certFile,
    "-days",
    "1",
    "-subj",
    "/CN=127.0.0.1",
    "-addext",
    "subjectAltName=IP:127.0.0.1",
  ],
  { stdio: "ignore" },
);
const ca = fs.readFileSync(certFile);

/** A unary call over a bare node:http2 client: the status and the protocol it ran on. */
async function rawH2(url: string, procedure: string, body: string) {
  const session = http2.connect(url, { ca });
  try {
    return await new Promise<{ status: number; body: string; alpn: string | false | undefined }>(
      (resolve, reject) => {
        const req = session.request({
          ":method": "POST",
          ":path": `/${procedure}`,
          "content-type": "application/json",
        });
        let status = 0;
        let out = "";
        req.on("response", (h) => (status = Number(h[":status"])));
        req.on("data", (d: Buffer) => (out += d.toString()));
        req.on("end", () => resolve({ status, body: out, alpn: session.alpnProtocol }));
        req.on("error", reject);
        req.end(body);
      },
    );
  } finally {
    session.close();
  }
}

/** GetNodeInfo over HTTP/1.1 (node:https, or plain fetch for http://). */
async function http1(url: string): Promise<{ status: number; version: string }> {
  const target = `${url}/messenger.node.v1.NodeApi/GetNodeInfo`;
  if (url.startsWith("http:")) {
    const res = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    await res.arrayBuffer();
    return { status: res.status, version: "1.1" };
  }
  return new Promise((resolve, reject) => {
    const req = https.request(
      target,
      { method: "POST", ca, headers: { "content-type": "application/json" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode!, version: res.httpVersion }));
      },
    );
    req.on("error", reject);
    req.end("{}");
  });
}

describe.each([
  ["TLS", { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile }],
  ["h2c", { HTTP2_CLEARTEXT: "1" }],
] as const)("HTTP/2 (%s)", (name, env) => {
  let node: StartedNode;
  let sessions: Http2SessionManager;

  beforeAll(async () => {
    // PostgreSQL when there is one: it starts faster than PGlite on a loaded machine.
    node = await startNode({ databaseUrl: TEST_DATABASE_URL, env: { ...env } });
    sessions = new Http2SessionManager(node.url, {}, { ca });
  });
  afterAll(async () => {
    sessions?.abort();
    await node?.stop();
    if (name === "h2c") fs.rmSync(dir, { recursive: true, force: true });
  });

  it("serves Connect and gRPC-web unary calls over HTTP/2, and HTTP/1.1 on the same port", async () => {
    expect(node.url.startsWith(name === "TLS" ? "https://" : "http://")).toBe(true);
    const raw = await rawH2(node.url, "messenger.node.v1.NodeApi/GetNodeInfo", "{}");
    expect(raw.status).toBe(200);
    expect(JSON.parse(raw.body).maxPageSize).toBe(100);
    if (name === "TLS") expect(raw.alpn).toBe("h2");

    for (const transport of [
      createConnectTransport({ baseUrl: node.url, httpVersion: "2", sessionManager: sessions }),
      createGrpcWebTransport({ baseUrl: node.url, httpVersion: "2", sessionManager: sessions }),
    ]) {
      const info = await createClient(NodeApi, transport).getNodeInfo({});
      expect(info.maxPageSize).toBe(100);
    }
    const h1 = await http1(node.url);
    expect(h1).toEqual({ status: 200, version: "1.1" });
  });

  it("carries 30 live Subscribe streams on one HTTP/2 connection, each gets a message sent after", async () => {
    const transport = createConnectTransport({
      baseUrl: node.url,
      httpVersion: "2",
      sessionManager: sessions,
    });
    const nodeApi = createClient(NodeApi, transport);
    const mls = createClient(MlsApi, transport);
    const groupId = randomGroupId();
    const ac = new AbortController();
    const STREAMS = 30; // more than HTTP/1.1's 6 connections per origin, and than STREAM_MAX_PER_CLIENT × 4
    let caughtUp = 0;
    const received = Array.from({ length: STREAMS }, async (_, i) => {
      // Each stream its own client (inbox header): the per-client stream cap stays out of the way.
      const inbox = (i + 1).toString(16).padStart(64, "0");
      for await (const ev of nodeApi.subscribe(
        { filters: [{ topic: { case: "groupId", value: groupId }, idCursor: 0n }] },
        { signal: ac.signal, headers: { "x-inbox-id": inbox } },
      )) {
        if (ev.event.case === "caughtUp") caughtUp++;
        if (ev.event.case === "groupMessage") {
          return new TextDecoder().decode(ev.event.value.version.value!.data.slice(-5));
        }
      }
      return undefined;
    });
    while (caughtUp < STREAMS) await new Promise((r) => setTimeout(r, 20));
    await mls.sendGroupMessages({
      messages: [
        {
          version: {
            case: "v1",
            value: { data: privateMessage(groupId, utf8("hello")), shouldPush: false },
          },
        },
      ],
    });
    expect(await Promise.all(received)).toEqual(Array(STREAMS).fill("hello"));
    ac.abort();
  });

  it("on SIGTERM ends HTTP/2 streams (GOAWAY) and exits 0", async () => {
    const nodeApi = createClient(
      NodeApi,
      createConnectTransport({ baseUrl: node.url, httpVersion: "2", sessionManager: sessions }),
    );
    const groupId = randomGroupId();
    let caughtUp = false;
    const ended = (async () => {
      try {
        for await (const ev of nodeApi.subscribe({
          filters: [{ topic: { case: "groupId", value: groupId }, idCursor: 0n }],
        })) {
          if (ev.event.case === "caughtUp") caughtUp = true;
        }
        return "ended";
      } catch {
        return "ended"; // an error end is fine too: the client resumes elsewhere
      }
    })();
    while (!caughtUp) await new Promise((r) => setTimeout(r, 20));
    const exited = new Promise<number | null>((resolve) => node.child.once("exit", resolve));
    node.child.kill("SIGTERM");
    expect(await ended).toBe("ended");
    expect(await exited).toBe(0);
    expect(node.logs.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  });
});
