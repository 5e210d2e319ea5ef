// An RPC path no service here handles gets gRPC status 12 (unimplemented) in the
// protocol the caller spoke, never a bare 404: a client probing for an RPC this
// node lacks (an XMTP client calling a newer method, say) must get a status it can
// act on ("not here, do not retry") rather than an HTTP error it reads as a fault.
//   Connect unary (application/proto, application/json, anything else):
//     HTTP 404 (Connect's mapping of unimplemented) + JSON {"code":"unimplemented"}.
//   Connect streaming (application/connect+proto|json):
//     HTTP 200 + one end-of-stream frame {"error":{"code":"unimplemented"}}.
//   gRPC-web and gRPC (application/grpc-web*, application/grpc*):
//     HTTP 200, trailers-only: grpc-status 12 and grpc-message in the headers.
import type http from "node:http";

export const UNIMPLEMENTED_GRPC_STATUS = 12;

/** Connect streaming end-of-stream flag (the JSON frame that closes a stream). */
const END_STREAM_FLAG = 0x02;

function contentTypeOf(req: http.IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
}

/** The path as the caller sent it, cut short and stripped of anything a header cannot carry. */
function procedureOf(req: http.IncomingMessage): string {
  const path = (req.url ?? "").split("?", 2)[0] ?? "";
  const printable = path.replace(/[^\x21-\x7e]/g, "?");
  return printable.length > 200 ? `${printable.slice(0, 200)}…` : printable;
}

export function unimplementedMessage(req: http.IncomingMessage): string {
  return `${procedureOf(req)} is not an RPC this node implements`;
}

export function answerUnimplemented(req: http.IncomingMessage, res: http.ServerResponse): void {
  const message = unimplementedMessage(req);
  const ct = contentTypeOf(req);
  // The body is never read: drop it, and do not keep a connection whose body is unread.
  req.resume();
  if (ct.startsWith("application/grpc")) {
    res
      .writeHead(200, {
        "content-type": ct,
        "grpc-status": String(UNIMPLEMENTED_GRPC_STATUS),
        "grpc-message": encodeURIComponent(message),
      })
      .end();
    return;
  }
  if (ct === "application/connect+proto" || ct === "application/connect+json") {
    const json = Buffer.from(JSON.stringify({ error: { code: "unimplemented", message } }));
    const header = Buffer.alloc(5);
    header[0] = END_STREAM_FLAG;
    header.writeUInt32BE(json.length, 1);
    res.writeHead(200, { "content-type": ct }).end(Buffer.concat([header, json]));
    return;
  }
  res
    .writeHead(404, { "content-type": "application/json" })
    .end(JSON.stringify({ code: "unimplemented", message }));
}
