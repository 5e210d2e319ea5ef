// A man in the middle for a REAL node: an HTTP proxy that passes every request and
// response through unchanged (streams included) except GetInboxIds answers, which it
// rewrites to map chosen addresses to inboxes of its choice, and QueryGroupMessages
// answers, in which it can swap one envelope's bytes for others (a member fed a foreign
// commit: a fork). It plays a malicious node, or anyone on the path to a plain-http node URL.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { GetInboxIdsResponseSchema } from "../../lib/proto/identity/api/v1/identity_pb";
import { IdentifierKind } from "../../lib/proto/identity/associations/association_pb";
import { QueryGroupMessagesResponseSchema } from "../../lib/proto/mls/api/v1/mls_pb";
import { toHex } from "../../lib/crypto";

export interface LyingNode {
  url: string;
  /** Lowercase address → the inbox ID the proxy claims it belongs to. */
  lies: Map<string, string>;
  /** `${group id hex}:${envelope id}` → the bytes served instead of that envelope's. */
  substitutes: Map<string, Uint8Array>;
  /** How many GetInboxIds answers it rewrote. */
  rewritten(): number;
  close(): Promise<void>;
}

const GET_INBOX_IDS = "/xmtp.identity.api.v1.IdentityApi/GetInboxIds";
const QUERY_GROUP_MESSAGES = "/xmtp.mls.api.v1.MlsApi/QueryGroupMessages";

/** `port` 0 = any free port; a browser behind the app's CSP needs the one it allows. */
export async function startLyingNode(nodeUrl: string, port = 0): Promise<LyingNode> {
  const target = new URL(nodeUrl);
  const lies = new Map<string, string>();
  const substitutes = new Map<string, Uint8Array>();
  let rewritten = 0;

  const server = http.createServer((req, res) => {
    const tamper =
      req.url === GET_INBOX_IDS || (req.url === QUERY_GROUP_MESSAGES && substitutes.size > 0);
    const headers = { ...req.headers, host: target.host };
    // An uncompressed answer is simpler to rewrite; everything else travels as the client asked.
    if (tamper) delete headers["accept-encoding"];
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (up) => {
        if (!tamper || up.statusCode !== 200) {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        up.on("data", (c: Buffer) => chunks.push(c));
        up.on("end", () => {
          const raw = Buffer.concat(chunks);
          const body =
            req.url === GET_INBOX_IDS
              ? rewrite(raw, lies, () => rewritten++)
              : substitute(raw, substitutes, () => rewritten++);
          const out = { ...up.headers, "content-length": String(body.length) };
          delete out["transfer-encoding"];
          res.writeHead(200, out);
          res.end(body);
        });
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    lies,
    substitutes,
    rewritten: () => rewritten,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function rewrite(body: Buffer, lies: Map<string, string>, count: () => void): Buffer {
  const msg = fromBinary(GetInboxIdsResponseSchema, body);
  let changed = false;
  for (const r of msg.responses) {
    const lie = lies.get(r.identifier.toLowerCase());
    if (lie === undefined) continue;
    r.inboxId = lie;
    r.identifierKind = IdentifierKind.ETHEREUM;
    changed = true;
  }
  if (changed) count();
  return Buffer.from(toBinary(GetInboxIdsResponseSchema, msg));
}

function substitute(body: Buffer, subs: Map<string, Uint8Array>, count: () => void): Buffer {
  const msg = fromBinary(QueryGroupMessagesResponseSchema, body);
  let changed = false;
  for (const m of msg.messages) {
    if (m.version.case !== "v1") continue;
    const v1 = m.version.value;
    const data = subs.get(`${toHex(v1.groupId)}:${v1.id}`);
    if (data === undefined) continue;
    v1.data = data;
    changed = true;
  }
  if (changed) count();
  return Buffer.from(toBinary(QueryGroupMessagesResponseSchema, msg));
}
