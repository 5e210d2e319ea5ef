// Operations: /healthz vs /readyz, request ids (honoured or generated, echoed,
// logged), logs without payloads, a node that drains on SIGTERM.
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMessageNode } from "../../server/app";
import { loadConfig } from "../../server/config";
import { startNode, type StartedNode } from "../../server/test/harness";
import { clients, privateMessage, randomGroupId } from "../../server/test/helpers";

let node: StartedNode;
beforeAll(async () => {
  node = await startNode();
});
afterAll(async () => {
  await node?.stop();
});

const rpc = (name: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${node.url}/${name.includes(".") ? name : `messenger.node.v1.NodeApi/${name}`}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });

describe("probes", () => {
  it("/healthz is liveness, /readyz checks the database", async () => {
    const h = await fetch(`${node.url}/healthz`);
    expect([h.status, await h.text()]).toEqual([200, "ok"]);
    const r = await fetch(`${node.url}/readyz`);
    expect([r.status, await r.text()]).toEqual([200, "ready"]);
  });

  it("/readyz answers 503 when the database is gone (in-process node, store closed)", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "readyz-"));
    const mn = await createMessageNode(
      loadConfig({ DATA_DIR: dataDir, PORT: "0" } as unknown as NodeJS.ProcessEnv),
    );
    const server = http.createServer((req, res) => mn.handle(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      await mn.store.close();
      const r = await fetch(`${url}/readyz`);
      expect([r.status, await r.text()]).toEqual([503, "database unreachable"]);
      expect((await fetch(`${url}/healthz`)).status).toBe(200); // still alive
      mn.drain();
      expect(await (await fetch(`${url}/readyz`)).text()).toBe("shutting down");
      const refused = await fetch(`${url}/messenger.node.v1.NodeApi/GetNodeInfo`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { code: string }).code).toBe("unavailable");
    } finally {
      server.closeAllConnections();
      server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("request ids and logs", () => {
  it("echoes a well-formed x-request-id, replaces a bad one, and logs it with the RPC", async () => {
    const mine = await rpc("GetNodeInfo", "{}", { "x-request-id": "req-abc.123" });
    expect(mine.headers.get("x-request-id")).toBe("req-abc.123");
    const bad = await rpc("GetNodeInfo", "{}", { "x-request-id": "has spaces & <html>" });
    expect(bad.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const none = await rpc("xmtp.mls.api.v1.MlsApi/QueryGroupMessages", "{}"); // refused: no group_id
    expect(none.status).toBe(400);
    const id = none.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((r) => setTimeout(r, 200));
    const lines = node.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.requestId === "req-abc.123")).toMatchObject({
      msg: "rpc",
      procedure: "messenger.node.v1.NodeApi/GetNodeInfo",
      code: "ok",
    });
    expect(lines.find((l) => l.requestId === id)).toMatchObject({ msg: "rpc rejected" });
  });

  it("never writes message payloads, group ids or keys to the log", async () => {
    const api = clients(node.url);
    const groupId = randomGroupId();
    const secret = new TextEncoder().encode("TOP-SECRET-PAYLOAD-0123456789abcdef");
    await api.mls.sendGroupMessages({
      messages: [{ version: { case: "v1", value: { data: privateMessage(groupId, secret) } } }],
    });
    // and a rejected one that carries a key in its reason
    await api.mls
      .fetchKeyPackages({ installationKeys: [new Uint8Array(31).fill(0xab)] })
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    const all = node.logs.join("\n");
    expect(all).not.toContain("TOP-SECRET");
    expect(all).not.toContain(Buffer.from(groupId).toString("hex"));
    expect(all).not.toContain(Buffer.from(groupId).toString("base64"));
    expect(all).not.toMatch(/(ab){16}/);
  });
});

describe("graceful shutdown", () => {
  it("on SIGTERM ends open streams, finishes, closes the store and exits 0", async () => {
    const n = await startNode();
    const api = clients(n.url);
    const ac = new AbortController();
    const events: string[] = [];
    const stream = (async () => {
      for await (const ev of api.node.subscribe(
        { filters: [{ topic: { case: "groupId", value: randomGroupId() }, idCursor: 0n }] },
        { signal: ac.signal },
      ))
        events.push(ev.event.case ?? "none");
    })();
    while (events.length === 0) await new Promise((r) => setTimeout(r, 20));
    const exit = new Promise<number | null>((r) => n.child.once("exit", (code) => r(code)));
    n.child.kill("SIGTERM");
    await stream; // ended by the node, not aborted by us
    expect(await exit).toBe(0);
    const msgs = n.logs.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(msgs).toContain("shutting down");
    expect(msgs.at(-1)).toBe("stopped");
    await n.stop();
  }, 60_000);
});
