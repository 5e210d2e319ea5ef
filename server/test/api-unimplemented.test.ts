// Unknown RPCs on the node's API paths answer gRPC status 12 (unimplemented) in the
// protocol the caller used, never a bare 404. Real clients of each protocol call real
// XMTP method names this node lacks; the raw answers are checked on the wire too.
import { Code, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type StartedNode } from "./harness";
import { expectConnectError } from "./helpers";
import { XmtpLegacyMessageApi, XmtpMlsApiExtra } from "./xmtp-rpcs-we-lack";

let node: StartedNode;
beforeAll(async () => {
  node = await startNode();
});
afterAll(async () => {
  await node?.stop();
});

const UNARY = "/xmtp.mls.api.v1.MlsApi/RegisterInstallation";
const STREAM = "/xmtp.message_api.v1.MessageApi/Subscribe";

function transports() {
  const baseUrl = node.url;
  return {
    "Connect binary": createConnectTransport({
      baseUrl,
      httpVersion: "1.1",
      useBinaryFormat: true,
    }),
    "Connect JSON": createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: false }),
    "gRPC-web": createGrpcWebTransport({ baseUrl, httpVersion: "1.1" }),
  } as const;
}

describe("unknown RPCs", () => {
  for (const name of ["Connect binary", "Connect JSON", "gRPC-web"] as const) {
    it(`unknownUnaryRpcAnswersUnimplementedOver${name.replace(/\W/g, "")}`, async () => {
      const client = createClient(XmtpMlsApiExtra, transports()[name]);
      const methods = client as unknown as Record<string, (req: object) => Promise<unknown>>;
      const call = methods[XmtpMlsApiExtra.methods[0]!.localName]!;
      await expectConnectError(call({ ids: [new Uint8Array(16)] }), Code.Unimplemented, UNARY);
    });

    it(`unknownStreamingRpcAnswersUnimplementedOver${name.replace(/\W/g, "")}`, async () => {
      const client = createClient(XmtpLegacyMessageApi, transports()[name]);
      const methods = client as unknown as Record<string, (req: object) => AsyncIterable<unknown>>;
      const call = methods[XmtpLegacyMessageApi.methods[0]!.localName]!;
      const drain = async () => {
        for await (const _ of call({ ids: [] })) void _;
      };
      await expectConnectError(drain(), Code.Unimplemented, STREAM);
    });
  }

  it("answers Connect unary with HTTP 404 and a JSON error body naming the procedure", async () => {
    for (const contentType of ["application/proto", "application/json"]) {
      const res = await fetch(node.url + UNARY, {
        method: "POST",
        headers: { "content-type": contentType, "connect-protocol-version": "1" },
        body: contentType === "application/json" ? "{}" : new Uint8Array(),
      });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/json");
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code).toBe("unimplemented");
      expect(body.message).toContain(UNARY);
    }
  });

  it("answers Connect streaming with HTTP 200 and an end-of-stream frame carrying unimplemented", async () => {
    const res = await fetch(node.url + STREAM, {
      method: "POST",
      headers: { "content-type": "application/connect+proto", "connect-protocol-version": "1" },
      body: new Uint8Array(5),
    });
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes[0]).toBe(0x02); // end-stream flag
    const len = new DataView(bytes.buffer).getUint32(1);
    const end = JSON.parse(new TextDecoder().decode(bytes.subarray(5, 5 + len))) as {
      error: { code: string };
    };
    expect(end.error.code).toBe("unimplemented");
  });

  it("answers gRPC-web and gRPC with grpc-status 12 in the headers (trailers-only)", async () => {
    for (const contentType of ["application/grpc-web+proto", "application/grpc"]) {
      const res = await fetch(node.url + UNARY, {
        method: "POST",
        headers: { "content-type": contentType },
        body: new Uint8Array(5),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("grpc-status")).toBe("12");
      expect(decodeURIComponent(res.headers.get("grpc-message") ?? "")).toContain(UNARY);
    }
  });

  it("still serves the RPCs it has, and leaves non-API paths alone", async () => {
    const res = await fetch(node.url + "/xmtp.mls.api.v1.MlsApi/QueryGroupMessages", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ groupId: "AAEC" }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ pagingInfo: {} });
    const other = await fetch(node.url + "/not-an-rpc");
    expect(other.status).toBe(404);
  });
});
