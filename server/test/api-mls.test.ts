// MlsApi over a real node process: key packages, group messages, welcomes, paging.
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { concatBytes, toHex } from "../../lib/crypto";
import { buildCreateInboxUpdate } from "../../lib/identity";
import {
  createGroup,
  createKeyPackage,
  encryptApplication,
  readMessageHeader,
} from "../../lib/mls";
import { SortDirection } from "../../lib/proto/mls/api/v1/mls_pb";
import { startNode, type StartedNode } from "./harness";
import {
  clients,
  expectConnectError,
  newInstallation,
  newWallet,
  publishNewInbox,
  privateMessage,
  randomGroupId,
  tick,
  utf8,
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

const send = (groupId: Uint8Array, texts: string[]) =>
  api.mls.sendGroupMessages({
    messages: texts.map((t) => ({
      version: {
        case: "v1" as const,
        value: {
          data: privateMessage(groupId, utf8(t)),
          senderHmac: new Uint8Array(32),
          shouldPush: true,
        },
      },
    })),
  });

async function allIds(groupId: Uint8Array): Promise<bigint[]> {
  const res = await api.mls.queryGroupMessages({ groupId, pagingInfo: { limit: 100 } });
  return res.messages.map((m) => m.version.value!.id);
}

describe("key packages", () => {
  it("accepts a key package of an installation its inbox holds, replaces it on upload, and serves it", async () => {
    const inst = newInstallation();
    const { inboxId } = await publishNewInbox(api, inst);
    const first = await createKeyPackage({ inboxId, ...inst });
    await api.mls.uploadKeyPackage({
      keyPackage: { keyPackageTlsSerialized: first.keyPackageBytes },
      isInboxIdCredential: true,
    });
    const second = await createKeyPackage({ inboxId, ...inst });
    await api.mls.uploadKeyPackage({
      keyPackage: { keyPackageTlsSerialized: second.keyPackageBytes },
      isInboxIdCredential: true,
    });

    const unknown = newInstallation().publicKey;
    const res = await api.mls.fetchKeyPackages({ installationKeys: [inst.publicKey, unknown] });
    expect(res.keyPackages).toHaveLength(2);
    // Compared as plain bytes: the response is over 1 KiB, so gzipped, and gunzip gives Buffers.
    expect(new Uint8Array(res.keyPackages[0]!.keyPackageTlsSerialized)).toEqual(
      second.keyPackageBytes,
    );
    expect(res.keyPackages[1]!.keyPackageTlsSerialized).toHaveLength(0);
  });

  it("keeps a key package whose inbox does not hold the key out of FetchKeyPackages, and refuses garbage", async () => {
    const { inboxId } = await publishNewInbox(api);
    const stranger = newInstallation();
    const kp = await createKeyPackage({ inboxId, ...stranger });
    // Accepted (libxmtp uploads before the grant) but never handed out while not granted.
    await api.mls.uploadKeyPackage({ keyPackage: { keyPackageTlsSerialized: kp.keyPackageBytes } });
    const res = await api.mls.fetchKeyPackages({ installationKeys: [stranger.publicKey] });
    expect(res.keyPackages[0]!.keyPackageTlsSerialized).toHaveLength(0);
    await expectConnectError(
      api.mls.uploadKeyPackage({
        keyPackage: { keyPackageTlsSerialized: utf8("not a key package") },
      }),
      Code.InvalidArgument,
      /key_package\.key_package_tls_serialized/,
    );
    // The rejection is logged by rule, without the key material.
    for (let i = 0; i < 50 && !node.logs.some((l) => l.includes('"code":"InvalidArgument"')); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const logged = node.logs.join("\n");
    expect(logged).toContain("key_package.key_package_tls_serialized");
    expect(logged).not.toContain(toHex(stranger.publicKey));
    expect(logged).not.toContain(toHex(kp.keyPackageBytes).slice(0, 64));
  });
});

describe("group messages", () => {
  it("stores a real MLS application message under the group id from its framing", async () => {
    const wallet = newWallet();
    const inst = newInstallation();
    const { inboxId } = await buildCreateInboxUpdate({
      signer: wallet.signer,
      installation: inst,
      nowNs: tick(),
    });
    const group = await createGroup({
      signer: { inboxId, ...inst },
      metadata: { conversationType: "group", creatorInboxId: inboxId },
    });
    const { message } = await encryptApplication(group, utf8("hello"));
    await api.mls.sendGroupMessages({
      messages: [
        {
          version: {
            case: "v1",
            value: { data: message, senderHmac: new Uint8Array(32), shouldPush: true },
          },
        },
      ],
    });
    const res = await api.mls.queryGroupMessages({ groupId: group.groupId });
    expect(res.messages).toHaveLength(1);
    const v1 = res.messages[0]!.version.value!;
    expect(v1.data).toEqual(message);
    expect(v1.groupId).toEqual(readMessageHeader(message).groupId);
    expect(v1.shouldPush).toBe(true);
    expect(v1.createdNs).toBeGreaterThan(0n);
  });

  it("rejects a message one byte over the limit, naming both sizes", async () => {
    const groupId = randomGroupId();
    const data = new Uint8Array(1_048_215);
    await expectConnectError(
      api.mls.sendGroupMessages({ messages: [{ version: { case: "v1", value: { data } } }] }),
      Code.InvalidArgument,
      /1048215 bytes/,
      /1048214 bytes/,
    );
    // Exactly at the limit is fine.
    const ok = privateMessage(
      groupId,
      new Uint8Array(1_048_214 - privateMessage(groupId, new Uint8Array(0)).length - 3),
    );
    expect(ok.length).toBeLessThanOrEqual(1_048_214);
    await api.mls.sendGroupMessages({
      messages: [{ version: { case: "v1", value: { data: ok } } }],
    });
    expect(await allIds(groupId)).toHaveLength(1);
  });

  it("is all-or-nothing: one bad message rejects the batch and stores none", async () => {
    const groupId = randomGroupId();
    await expectConnectError(
      api.mls.sendGroupMessages({
        messages: [
          { version: { case: "v1", value: { data: privateMessage(groupId, utf8("good")) } } },
          { version: { case: "v1", value: { data: utf8("not mls") } } },
        ],
      }),
      Code.InvalidArgument,
      /messages\[1\]\.data/,
    );
    expect(await allIds(groupId)).toEqual([]);
    await expectConnectError(
      api.mls.sendGroupMessages({ messages: [] }),
      Code.InvalidArgument,
      /messages is empty/,
    );
  });

  it("rejects welcome and key-package wire formats as group messages", async () => {
    const welcome = new Uint8Array([0, 1, 0, 3, 0, 3, 0, 0]); // mls10, mls_welcome: suite 3, no secrets, empty group info
    expect(readMessageHeader(welcome).wireFormat).toBe("welcome");
    const inst = newInstallation();
    const kp = await createKeyPackage({ inboxId: "cd".repeat(32), ...inst });
    const keyPackage = concatBytes(new Uint8Array([0, 1, 0, 5]), kp.keyPackageBytes); // mls10, mls_key_package
    expect(readMessageHeader(keyPackage).wireFormat).toBe("key_package");
    for (const [data, name] of [
      [welcome, "welcome"],
      [keyPackage, "key_package"],
    ] as const) {
      await expectConnectError(
        api.mls.sendGroupMessages({ messages: [{ version: { case: "v1", value: { data } } }] }),
        Code.InvalidArgument,
        new RegExp(`messages\\[0\\]\\.data is an MLS ${name} message`),
      );
    }
  });

  it("stores a byte-identical resend once (idempotent send)", async () => {
    const groupId = randomGroupId();
    await send(groupId, ["same"]);
    await send(groupId, ["same"]);
    expect(await allIds(groupId)).toHaveLength(1);
  });

  it("pages with an exclusive cursor in both directions, limit 0 = 100, larger clamped to 100", async () => {
    const groupId = randomGroupId();
    await send(
      groupId,
      Array.from({ length: 100 }, (_, i) => `a${i}`),
    );
    await send(
      groupId,
      Array.from({ length: 5 }, (_, i) => `b${i}`),
    );
    const page1 = await api.mls.queryGroupMessages({ groupId, pagingInfo: { limit: 0 } });
    expect(page1.messages).toHaveLength(100);
    expect(page1.pagingInfo!.limit).toBe(100);
    expect(page1.pagingInfo!.direction).toBe(SortDirection.ASCENDING);
    const ids = page1.messages.map((m) => m.version.value!.id);
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
    expect(page1.pagingInfo!.idCursor).toBe(ids[99]);
    const page2 = await api.mls.queryGroupMessages({
      groupId,
      pagingInfo: { limit: 1000, idCursor: page1.pagingInfo!.idCursor },
    });
    expect(page2.messages).toHaveLength(5);
    expect(page2.messages[0]!.version.value!.id).toBeGreaterThan(ids[99]!);
    expect(page2.pagingInfo!.idCursor).toBe(0n); // last page

    const newest = await api.mls.queryGroupMessages({
      groupId,
      pagingInfo: { direction: SortDirection.DESCENDING, limit: 3 },
    });
    const newestIds = newest.messages.map((m) => m.version.value!.id);
    expect(newestIds).toEqual(
      page2.messages
        .slice(2)
        .map((m) => m.version.value!.id)
        .reverse(),
    );
    const older = await api.mls.queryGroupMessages({
      groupId,
      pagingInfo: { direction: SortDirection.DESCENDING, limit: 2, idCursor: newestIds[2]! },
    });
    expect(older.messages.map((m) => m.version.value!.id)).toEqual([
      page2.messages[1]!.version.value!.id,
      page2.messages[0]!.version.value!.id,
    ]);
  });

  it("works over gRPC-web and Connect JSON too", async () => {
    const groupId = randomGroupId();
    await clients(node.url, "grpc-web").mls.sendGroupMessages({
      messages: [
        { version: { case: "v1", value: { data: privateMessage(groupId, utf8("via grpc-web")) } } },
      ],
    });
    const res = await clients(node.url, "connect-json").mls.queryGroupMessages({ groupId });
    expect(res.messages).toHaveLength(1);
  });
});

describe("welcomes", () => {
  it("stores welcomes per installation and validates the key", async () => {
    const key = newInstallation().publicKey;
    const welcome = (data: Uint8Array) => ({
      version: {
        case: "v1" as const,
        value: {
          installationKey: key,
          data,
          hpkePublicKey: new Uint8Array(32).fill(1),
          wrapperAlgorithm: 1,
        },
      },
    });
    await api.mls.sendWelcomeMessages({ messages: [welcome(utf8("w1")), welcome(utf8("w2"))] });
    const res = await api.mls.queryWelcomeMessages({ installationKey: key });
    const data = res.messages.map((m) => (m.version.case === "v1" ? m.version.value.data : null));
    expect(data.map((d) => d && new TextDecoder().decode(d))).toEqual(["w1", "w2"]);
    expect(res.messages[0]!.version.value!.hpkePublicKey).toEqual(new Uint8Array(32).fill(1));

    await expectConnectError(
      api.mls.sendWelcomeMessages({
        messages: [
          {
            version: {
              case: "v1",
              value: {
                installationKey: new Uint8Array(31),
                data: utf8("x"),
                hpkePublicKey: new Uint8Array(32),
              },
            },
          },
        ],
      }),
      Code.InvalidArgument,
      /messages\[0\]\.v1\.installation_key must be 32 bytes/,
    );
    await expectConnectError(
      api.mls.queryWelcomeMessages({ installationKey: new Uint8Array(3) }),
      Code.InvalidArgument,
      /installation_key/,
    );
  });
});

describe("node info", () => {
  it("publishes the limits", async () => {
    const info = await api.node.getNodeInfo({});
    expect(info).toMatchObject({
      maxMessageBytes: 1_048_214,
      maxPageSize: 100,
      maxInstallationsPerInbox: 10,
      maxIdentityUpdatesPerInbox: 256,
      maxCommitLogEntryBytes: 4096,
      maxCommitLogBatch: 100,
    });
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
