// Fuzz: every RPC gets thousands of random and mutated bodies (protobuf, JSON,
// Connect streaming envelopes, gRPC-web, oversized). The node must never crash,
// never answer a server fault (5xx / internal / unknown) for bad input, never log
// an "rpc failed", and answer a valid RPC promptly afterwards.
import http from "node:http";
import { create, toBinary, toJson, type DescMessage, type DescMethod } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCreateInboxUpdate } from "../../lib/identity";
import { createKeyPackage } from "../../lib/mls";
import { IdentityApi } from "../../lib/proto/identity/api/v1/identity_pb";
import { IdentifierKind } from "../../lib/proto/identity/associations/association_pb";
import { NodeApi } from "../../lib/proto/messenger/node/v1/node_pb";
import { MlsApi } from "../../lib/proto/mls/api/v1/mls_pb";
import { newCommitLogKey, signedPublish } from "../../server/test/commit-log-helpers";
import { startNode, type StartedNode } from "../../server/test/harness";
import {
  clients,
  newInstallation,
  newWallet,
  privateMessage,
  randomGroupId,
  tick,
  utf8,
} from "../../server/test/helpers";
import { envelope, mutateBinary, mutateJson, randomJson, Rng } from "./fuzz-bodies";

// 2,000 per RPC in the suite (~3 min here); FUZZ_PER_RPC=10000 is the full run (~8 min).
const PER_RPC = Number(process.env.FUZZ_PER_RPC ?? 2_000);
const CONCURRENCY = 24;
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);

let node: StartedNode;
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

beforeAll(async () => {
  node = await startNode({
    // The fuzzer is one client sending 130k requests: lift its budget.
    env: {
      RATE_LIMIT_READS_PER_MIN: "1000000000",
      RATE_LIMIT_READ_BURST: "1000000000",
      RATE_LIMIT_WRITES_PER_MIN: "1000000000",
      RATE_LIMIT_WRITE_BURST: "1000000000",
    },
  });
});
afterAll(async () => {
  agent.destroy();
  await node?.stop();
});

type Method = DescMethod;
const methods: Method[] = [...IdentityApi.methods, ...MlsApi.methods, ...NodeApi.methods];

/** One valid request per RPC (the seeds the mutations start from). */
async function validRequests(): Promise<Map<string, unknown>> {
  const wallet = newWallet();
  const inst = newInstallation();
  const { inboxId, update } = await buildCreateInboxUpdate({
    signer: wallet.signer,
    installation: inst,
    nowNs: tick(),
  });
  const api = clients(node.url);
  await api.identity.publishIdentityUpdate({ identityUpdate: update });
  const kp = await createKeyPackage({ inboxId, ...inst });
  const groupId = randomGroupId();
  const msg = privateMessage(groupId, utf8("fuzz seed"));
  await api.mls.sendGroupMessages({
    messages: [{ version: { case: "v1", value: { data: msg, shouldPush: true } } }],
  });
  const welcome = {
    installationKey: inst.publicKey,
    data: utf8("welcome"),
    hpkePublicKey: new Uint8Array(32),
    wrapperAlgorithm: 1,
  };
  return new Map<string, unknown>([
    ["PublishIdentityUpdate", { identityUpdate: update }],
    ["GetIdentityUpdates", { requests: [{ inboxId, sequenceId: 0n }] }],
    [
      "GetInboxIds",
      { requests: [{ identifier: wallet.address, identifierKind: IdentifierKind.ETHEREUM }] },
    ],
    [
      "SendGroupMessages",
      {
        messages: [
          {
            version: {
              case: "v1",
              value: { data: msg, senderHmac: new Uint8Array(32), shouldPush: true },
            },
          },
        ],
      },
    ],
    ["SendWelcomeMessages", { messages: [{ version: { case: "v1", value: welcome } }] }],
    [
      "UploadKeyPackage",
      { keyPackage: { keyPackageTlsSerialized: kp.keyPackageBytes }, isInboxIdCredential: true },
    ],
    ["FetchKeyPackages", { installationKeys: [inst.publicKey] }],
    ["QueryGroupMessages", { groupId, pagingInfo: { limit: 10, idCursor: 0n } }],
    ["QueryWelcomeMessages", { installationKey: inst.publicKey, pagingInfo: { limit: 10 } }],
    ["SubscribeGroupMessages", { filters: [{ groupId, idCursor: 0n }] }],
    ["SubscribeWelcomeMessages", { filters: [{ installationKey: inst.publicKey, idCursor: 0n }] }],
    [
      "Subscribe",
      {
        filters: [
          { topic: { case: "groupId", value: groupId }, idCursor: 0n },
          { topic: { case: "installationKey", value: inst.publicKey }, idCursor: 0n },
        ],
      },
    ],
    ["GetNodeInfo", {}],
    ["BatchPublishCommitLog", { requests: [signedPublish(groupId, newCommitLogKey())] }],
    ["BatchQueryCommitLog", { requests: [{ groupId, pagingInfo: { limit: 10 } }] }],
    ["GetNewestGroupMessage", { groupIds: [groupId], includeContent: true }],
    [
      "VerifySmartContractWalletSignatures",
      {
        signatures: [
          {
            accountId: `eip155:1:${wallet.address}`,
            blockNumber: 1n,
            signature: new Uint8Array(65),
            hash: new Uint8Array(32),
          },
        ],
      },
    ],
  ]);
}

interface Probe {
  contentType: string;
  body: Uint8Array;
  kind: "unary" | "connect-stream" | "grpc-web";
  oversize?: boolean;
  /** A server-streaming RPC (may stay silent while its topics are). */
  streaming: boolean;
}

interface Seed {
  bin: Uint8Array;
  json: unknown;
}

function seedOf(method: Method, valid: unknown): Seed {
  const msg = create(method.input, valid as never);
  return { bin: toBinary(method.input, msg), json: toJson(method.input, msg) };
}

function makeProbe(rng: Rng, method: Method, { bin, json }: Seed): Probe {
  const schema: DescMessage = method.input;
  const streaming = method.methodKind === "server_streaming";
  const r = rng.int(100);
  if (r < 1) {
    // over the 8 MiB request cap
    const big = new Uint8Array(9 * 1024 * 1024 + rng.int(1000));
    return {
      contentType: streaming ? "application/connect+proto" : "application/proto",
      body: big,
      kind: streaming ? "connect-stream" : "unary",
      oversize: true,
      streaming,
    };
  }
  if (r < 12) {
    const payload = mutateBinary(rng, bin);
    return {
      contentType: "application/grpc-web+proto",
      body: envelope(rng, payload, rng.int(5) === 0),
      kind: "grpc-web",
      streaming,
    };
  }
  const asJson = r >= 70;
  const payload = asJson
    ? utf8(
        rng.int(6) === 0 ? JSON.stringify(randomJson(rng, schema)) : mutateJson(rng, json, schema),
      )
    : mutateBinary(rng, bin);
  if (streaming) {
    return {
      contentType: asJson ? "application/connect+json" : "application/connect+proto",
      body: envelope(rng, payload, rng.int(5) === 0),
      kind: "connect-stream",
      streaming,
    };
  }
  return {
    contentType: asJson ? "application/json" : "application/proto",
    body: payload,
    kind: "unary",
    streaming,
  };
}

const FAULT_CODES = new Set(["internal", "unknown", "data_loss", "unimplemented"]);
const GRPC_FAULTS = new Set(["2", "12", "13", "15"]);

/** Sends one probe; resolves to a fault description, or undefined when the node behaved. */
async function send(path: string, probe: Probe): Promise<string | undefined> {
  const first = await sendOnce(path, probe);
  // A kept-alive socket the node closed as idle just as it was reused: Node's documented
  // race (req.reusedSocket + ECONNRESET). Send again on a fresh socket.
  return first === RETRY ? sendOnce(path, probe) : first;
}

const RETRY = "retry";

function sendOnce(path: string, probe: Probe): Promise<string | undefined> {
  return new Promise((resolve) => {
    const u = new URL(node.url + path);
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path,
        method: "POST",
        agent,
        headers: {
          "content-type": probe.contentType,
          "content-length": probe.body.length,
          ...(probe.kind === "unary" ? { "connect-protocol-version": "1" } : {}),
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 500) {
          res.resume();
          return resolve(`HTTP ${status}`);
        }
        const chunks: Buffer[] = [];
        // A stream the fuzz opened validly stays open: 60 ms of quiet is enough.
        const timer = setTimeout(
          () => {
            req.destroy();
            resolve(undefined);
          },
          unary ? 10_000 : 60,
        );
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", () => undefined);
        res.on("end", () => {
          clearTimeout(timer);
          const body = Buffer.concat(chunks);
          if (probe.kind === "unary") return resolve(undefined);
          if (probe.kind === "grpc-web") {
            const hdr = res.headers["grpc-status"];
            const trailer = /grpc-status:\s*(\d+)/.exec(body.toString("latin1"))?.[1];
            const code = String(hdr ?? trailer ?? "0");
            return resolve(GRPC_FAULTS.has(code) ? `grpc-status ${code}` : undefined);
          }
          const end = lastEnvelope(body);
          const code = end
            ? (JSON.parse(end) as { error?: { code?: string } }).error?.code
            : undefined;
          resolve(code && FAULT_CODES.has(code) ? `end-stream ${code}` : undefined);
        });
      },
    );
    // A unary call with no answer within 10 s is a fault (the node hung on this body). A
    // stream may legitimately say nothing: XMTP's Subscribe* send no header before a message.
    const unary = !probe.streaming;
    req.setTimeout(unary ? 10_000 : 60, () => {
      req.destroy();
      resolve(probe.oversize || !unary ? undefined : "no answer within 10 s");
    });
    req.on("error", (err) => {
      if (req.reusedSocket && (err as NodeJS.ErrnoException).code === "ECONNRESET")
        return resolve(RETRY);
      // The node may cut a 9 MiB upload short after refusing it; anything else is a fault.
      resolve(probe.oversize ? undefined : `request error ${err.message}`);
    });
    req.end(probe.body);
  });
}

function lastEnvelope(body: Buffer): string | undefined {
  let o = 0;
  let last: string | undefined;
  while (o + 5 <= body.length) {
    const flags = body[o]!;
    const len = body.readUInt32BE(o + 1);
    if ((flags & 0x02) !== 0) last = body.subarray(o + 5, o + 5 + len).toString("utf8");
    o += 5 + len;
  }
  return last;
}

async function getNodeInfoMs(): Promise<number> {
  const t0 = performance.now();
  await clients(node.url).node.getNodeInfo({});
  return performance.now() - t0;
}

describe("fuzzing every RPC", () => {
  it(`survives ≥ ${PER_RPC} random and mutated bodies per RPC with no server fault and stays responsive`, async () => {
    const valid = await validRequests();
    const rng = new Rng(SEED);
    const faults: string[] = [];
    let sent = 0;
    const started = Date.now();
    for (const method of methods) {
      const path = `/${method.parent.typeName}/${method.name}`;
      expect(valid.get(method.name), `a valid request for ${method.name}`).toBeDefined();
      const seed = seedOf(method, valid.get(method.name));
      let i = 0;
      const worker = async () => {
        while (i < PER_RPC) {
          i++;
          const probe = makeProbe(rng, method, seed);
          const fault = await send(path, probe);
          sent++;
          if (fault && faults.length < 20) {
            faults.push(
              `${method.name} ${probe.contentType} ${fault}: ${Buffer.from(probe.body.slice(0, 120)).toString("hex")}`,
            );
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      if (process.env.FUZZ_VERBOSE)
        console.log(`fuzz: ${method.name} done at ${Date.now() - started} ms`);
      expect(node.child.exitCode, `node alive after ${method.name}`).toBeNull();
    }
    const secs = (Date.now() - started) / 1000;
    console.log(`fuzz: ${sent} bodies over ${methods.length} RPCs in ${secs.toFixed(1)} s`);
    const failedLogs = node.logs.filter(
      (l) => l.includes('"rpc failed"') || l.includes("handler failed"),
    );
    expect({ faults, nodeLog: failedLogs.slice(0, 10) }).toEqual({ faults: [], nodeLog: [] });
    expect(sent).toBeGreaterThanOrEqual(PER_RPC * methods.length);

    // Alive and prompt: a valid call right after the barrage.
    expect(node.child.exitCode).toBeNull();
    const ms = Math.min(await getNodeInfoMs(), await getNodeInfoMs());
    expect(ms).toBeLessThan(500);
    expect(node.logs.filter((l) => l.includes('"rpc failed"'))).toEqual([]);
  }, 900_000);
});
