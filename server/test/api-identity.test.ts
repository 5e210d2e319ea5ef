// IdentityApi over a real node process: the log is verified on write.
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildCreateInboxUpdate,
  buildRevokeInstallationsUpdate,
  IdentityUpdateBuilder,
  inboxIdFor,
} from "../../lib/identity";
import { IdentifierKind } from "../../lib/proto/identity/associations/association_pb";
import { startNode, type StartedNode } from "./harness";
import {
  addInstallationUpdate,
  clients,
  expectConnectError,
  newInstallation,
  newWallet,
  publishNewInbox,
  tick,
  type Clients,
} from "./helpers";

let node: StartedNode;
let api: Clients;

beforeAll(async () => {
  node = await startNode();
  api = clients(node.url);
});
afterAll(async () => {
  await node?.stop();
});

async function inboxOf(address: string): Promise<string | undefined> {
  const res = await api.identity.getInboxIds({
    requests: [{ identifier: address, identifierKind: IdentifierKind.ETHEREUM }],
  });
  return res.responses[0]?.inboxId;
}

async function logLength(inboxId: string): Promise<number> {
  const res = await api.identity.getIdentityUpdates({ requests: [{ inboxId, sequenceId: 0n }] });
  return res.responses[0]?.updates.length ?? 0;
}

describe("IdentityApi", () => {
  it("stores a wallet-signed create-inbox update and finds the inbox by address", async () => {
    const { wallet, inboxId } = await publishNewInbox(api);

    expect(await inboxOf(wallet.address)).toBe(inboxId);
    // Any address casing finds it; an unknown address finds nothing.
    expect(await inboxOf(wallet.address.toUpperCase().replace("0X", "0x"))).toBe(inboxId);
    expect(await inboxOf(newWallet().address)).toBeUndefined();

    const log = await api.identity.getIdentityUpdates({ requests: [{ inboxId, sequenceId: 0n }] });
    const entries = log.responses[0]!.updates;
    expect(entries).toHaveLength(1);
    expect(entries[0]!.update!.inboxId).toBe(inboxId);
    expect(entries[0]!.update!.actions.map((a) => a.kind.case)).toEqual(["createInbox", "add"]);
    const skewNs = entries[0]!.serverTimestampNs - BigInt(Date.now()) * 1_000_000n;
    expect(skewNs < 0n ? -skewNs : skewNs).toBeLessThan(60_000_000_000n);
    // sequence_id is an exclusive cursor.
    const after = await api.identity.getIdentityUpdates({
      requests: [{ inboxId, sequenceId: entries[0]!.sequenceId }],
    });
    expect(after.responses[0]!.updates).toHaveLength(0);
  });

  it("rejects an update signed by another wallet with InvalidArgument naming the rule, and stores nothing", async () => {
    const owner = newWallet();
    const impostor = newWallet();
    const inst = newInstallation();
    const inboxId = inboxIdFor(owner.address);
    const b = new IdentityUpdateBuilder(inboxId, tick())
      .createInbox(owner.address)
      .addInstallation(inst.publicKey, owner.address);
    const update = b
      .addWalletSignature(owner.address, await impostor.signer.signMessage(b.signatureText()))
      .addInstallationSignature(inst)
      .build();
    await expectConnectError(
      api.identity.publishIdentityUpdate({ identityUpdate: update }),
      Code.InvalidArgument,
      /identity_update: CreateInbox must be signed by its initial address/,
    );
    expect(await inboxOf(owner.address)).toBeUndefined();
    expect(await logLength(inboxId)).toBe(0);
  });

  it("rejects a replayed signature (a revoke replayed after the installation was re-added)", async () => {
    const inst = newInstallation();
    const { wallet, inboxId } = await publishNewInbox(api);
    await api.identity.publishIdentityUpdate({
      identityUpdate: await addInstallationUpdate(inboxId, wallet, inst),
    });
    const revoke = await buildRevokeInstallationsUpdate({
      signer: wallet.signer,
      inboxId,
      installationKeys: [inst.publicKey],
      nowNs: tick(),
    });
    await api.identity.publishIdentityUpdate({ identityUpdate: revoke });
    await api.identity.publishIdentityUpdate({
      identityUpdate: await addInstallationUpdate(inboxId, wallet, inst),
    });
    // The old revoke is valid against the current state except that its signature was used.
    await expectConnectError(
      api.identity.publishIdentityUpdate({ identityUpdate: revoke }),
      Code.AlreadyExists,
      /already used/,
    );
    expect(await logLength(inboxId)).toBe(4);
  });

  it("rejects an 11th installation with FailedPrecondition and keeps the 10", async () => {
    const { wallet, inboxId } = await publishNewInbox(api);
    for (let i = 2; i <= 10; i++) {
      await api.identity.publishIdentityUpdate({
        identityUpdate: await addInstallationUpdate(inboxId, wallet, newInstallation()),
      });
    }
    const eleventh = await addInstallationUpdate(inboxId, wallet, newInstallation());
    await expectConnectError(
      api.identity.publishIdentityUpdate({ identityUpdate: eleventh }),
      Code.FailedPrecondition,
      /at most 10 installations/,
    );
    expect(await logLength(inboxId)).toBe(10);
  });

  it("rejects a client timestamp more than an hour from the node's clock", async () => {
    const wallet = newWallet();
    const { inboxId, update } = await buildCreateInboxUpdate({
      signer: wallet.signer,
      installation: newInstallation(),
      nowNs: BigInt(Date.now() - 2 * 3600_000) * 1_000_000n,
    });
    await expectConnectError(
      api.identity.publishIdentityUpdate({ identityUpdate: update }),
      Code.InvalidArgument,
      /client_timestamp_ns/,
    );
    expect(await logLength(inboxId)).toBe(0);
  });

  it("names the bad field in malformed requests", async () => {
    await expectConnectError(
      api.identity.publishIdentityUpdate({}),
      Code.InvalidArgument,
      /identity_update is missing/,
    );
    await expectConnectError(
      api.identity.getInboxIds({
        requests: [{ identifier: "0x1234", identifierKind: IdentifierKind.ETHEREUM }],
      }),
      Code.InvalidArgument,
      /requests\[0\]\.identifier/,
    );
    await expectConnectError(
      api.identity.getIdentityUpdates({ requests: [{ inboxId: "nope", sequenceId: 0n }] }),
      Code.InvalidArgument,
      /requests\[0\]\.inbox_id/,
    );
  });

  it("answers Connect JSON over plain fetch", async () => {
    const { wallet, inboxId } = await publishNewInbox(api);
    const res = await fetch(`${node.url}/xmtp.identity.api.v1.IdentityApi/GetInboxIds`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        requests: [{ identifier: wallet.address, identifierKind: "IDENTIFIER_KIND_ETHEREUM" }],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { responses: { identifier: string; inboxId?: string }[] };
    expect(body.responses[0]).toMatchObject({ identifier: wallet.address, inboxId });
    // And a rejection is a JSON Connect error with its code.
    const bad = await fetch(`${node.url}/xmtp.identity.api.v1.IdentityApi/PublishIdentityUpdate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "invalid_argument" });
  });

  it("answers /healthz and a CORS preflight from another origin", async () => {
    const health = await fetch(`${node.url}/healthz`);
    expect(await health.text()).toBe("ok");
    const pre = await fetch(`${node.url}/xmtp.mls.api.v1.MlsApi/QueryGroupMessages`, {
      method: "OPTIONS",
      headers: {
        origin: "http://elsewhere.test",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,connect-protocol-version",
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("http://elsewhere.test");
    expect(pre.headers.get("access-control-allow-headers")).toMatch(/connect-protocol-version/i);
  });
});
