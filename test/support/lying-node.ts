// A man in the middle for a REAL node: an HTTP proxy that passes every request and
// response through unchanged (streams included) except GetInboxIds answers, which it
// rewrites to map chosen addresses to inboxes of its choice. It plays a malicious node,
// or anyone on the path to a plain-http node URL.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { GetInboxIdsResponseSchema } from "../../lib/proto/identity/api/v1/identity_pb";
import { IdentifierKind } from "../../lib/proto/identity/associations/association_pb";

export interface LyingNode {
  url: string;
  /** Lowercase address → the inbox ID the proxy claims it belongs to. */
  lies: Map<string, string>;
  /** How many GetInboxIds answers it rewrote. */
  rewritten(): number;
  close(): Promise<void>;
}

const GET_INBOX_IDS = "/xmtp.identity.api.v1.IdentityApi/GetInboxIds";

/** `port` 0 = any free port; a browser behind the app's CSP needs the one it allows. */
export async function startLyingNode(nodeUrl: string, port = 0): Promise<LyingNode> {
  const target = new URL(nodeUrl);
  const lies = new Map<string, string>();
  let rewritten = 0;

  const server = http.createServer((req, res) => {
    const tamper = req.url === GET_INBOX_IDS;
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
          const body = rewrite(Buffer.concat(chunks), lies, () => rewritten++);
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
