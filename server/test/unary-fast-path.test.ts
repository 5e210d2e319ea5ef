// The sends' fast path (api/unary-fast-path.ts) answers every client exactly as Connect
// does: two in-process nodes, one serving sends below Connect and one through Connect,
// get the same raw HTTP requests in the same order (good, bad framing, bad MLS, empty,
// oversized, over the rate limit) and must give the same status, headers and body.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  SendGroupMessagesRequestSchema,
  SendWelcomeMessagesRequestSchema,
} from "../../lib/proto/mls/api/v1/mls_pb";
import { createMessageNode, type MessageNode } from "../app";
import { loadConfig } from "../config";
import { privateMessage, randomGroupId } from "./helpers";

interface Served {
  node: MessageNode;
  server: http.Server;
  url: string;
  dir: string;
}

async function serve(fastUnary: boolean): Promise<Served> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fast-unary-"));
  const env = {
    DATA_DIR: dir,
    PORT: "0",
    TRUST_PROXY: "1",
    RATE_LIMIT_WRITES_PER_MIN: "10",
    RATE_LIMIT_WRITE_BURST: "10",
  } as unknown as NodeJS.ProcessEnv;
  const node = await createMessageNode(loadConfig(env), { fastUnary });
  const server = http.createServer((req, res) => node.handle(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { node, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, dir };
}

/** Status, headers (no date) and body of one raw request. */
function call(base: string, method: string, body: Uint8Array, headers: Record<string, string>) {
  return new Promise<string>((resolve, reject) => {
    const req = http.request(
      `${base}/xmtp.mls.api.v1.MlsApi/${method}`,
      {
        method: "POST",
        headers: { "x-request-id": "same-id", "x-forwarded-for": "10.1.2.3", ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const { date: _date, ...rest } = res.headers;
          resolve(
            `${res.statusCode} ${JSON.stringify(rest)} ${Buffer.concat(chunks).toString("hex")}`,
          );
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const proto = { "content-type": "application/proto" };

let fast: Served;
let connect: Served;
beforeAll(async () => {
  [fast, connect] = await Promise.all([serve(true), serve(false)]);
}, 120_000);
afterAll(async () => {
  for (const s of [fast, connect]) {
    if (!s) continue;
    await new Promise<void>((r) => s.server.close(() => r()));
    await s.node.close();
    fs.rmSync(s.dir, { recursive: true, force: true });
  }
});

describe("sends below Connect", () => {
  it("answer every request as Connect does, and are taken by the fast path", async () => {
    const g = randomGroupId();
    const send = (data: Uint8Array) =>
      toBinary(
        SendGroupMessagesRequestSchema,
        create(SendGroupMessagesRequestSchema, {
          messages: [{ version: { case: "v1", value: { data, shouldPush: true } } }],
        }),
      );
    const requests: [string, Uint8Array, Record<string, string>][] = [
      ["SendGroupMessages", send(privateMessage(g, new Uint8Array(40).fill(1))), proto],
      [
        "SendGroupMessages",
        send(privateMessage(g, new Uint8Array(40).fill(2))),
        { ...proto, origin: "http://app.test", "connect-protocol-version": "1" },
      ],
      // The same envelope again: stored once, answered as a success.
      ["SendGroupMessages", send(privateMessage(g, new Uint8Array(40).fill(2))), proto],
      ["SendGroupMessages", send(new Uint8Array([1, 2, 3])), proto],
      ["SendGroupMessages", new Uint8Array([0xff, 0xff, 0xff]), proto],
      ["SendGroupMessages", new Uint8Array(), proto],
      ["SendGroupMessages", new Uint8Array(8 * 1024 * 1024 + 1), proto],
      [
        "SendWelcomeMessages",
        toBinary(
          SendWelcomeMessagesRequestSchema,
          create(SendWelcomeMessagesRequestSchema, {
            messages: [{ version: { case: "v1", value: { installationKey: new Uint8Array(3) } } }],
          }),
        ),
        proto,
      ],
      // Past the burst of 10: refused with retry-after.
      ...Array.from({ length: 4 }, (_, i): [string, Uint8Array, Record<string, string>] => [
        "SendGroupMessages",
        send(privateMessage(g, new Uint8Array(40).fill(10 + i))),
        proto,
      ]),
    ];
    const answers: { fast: string; connect: string }[] = [];
    for (const [method, body, headers] of requests) {
      answers.push({
        fast: await call(fast.url, method, body, headers),
        connect: await call(connect.url, method, body, headers),
      });
    }
    for (const a of answers) expect(a.fast).toBe(a.connect);
    // The sequence covers success, client errors and the rate limit's refusal.
    expect(answers.map((a) => a.fast.slice(0, 3))).toEqual(
      expect.arrayContaining(["200", "400", "429"]),
    );
    expect(fast.node.fastUnaryCalls).toBe(requests.length);
    expect(connect.node.fastUnaryCalls).toBe(0);
  }, 120_000);
});
