// What XMTP's own SDK (libxmtp) needs from the node beyond our client, over a real node
// process (issue #15 part 1): its CORS headers, key packages uploaded before the identity
// update that grants them, welcome pointers and welcome_metadata, is_commit,
// GetNewestGroupMessage, and streams opened with no filter yet.
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildCreateInboxUpdate } from "../../lib/identity";
import { createKeyPackage } from "../../lib/mls";
import { type WelcomeMessageInput } from "../../lib/proto/mls/api/v1/mls_pb";
import { WelcomeWrapperAlgorithm } from "../../lib/proto/mls/message_contents/wrapper_encryption_pb";
import { startNode, type StartedNode } from "./harness";
import {
  addInstallationUpdate,
  clients,
  expectConnectError,
  fetchKeyPackage,
  newInstallation,
  newWallet,
  privateMessage,
  publishNewInbox,
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

const fetchOne = (key: Uint8Array) => fetchKeyPackage(api, key);

describe("CORS for XMTP's SDK", () => {
  it("lets a browser on another origin send the headers libxmtp adds and read grpc-status", async () => {
    const res = await fetch(`${node.url}/xmtp.mls.api.v1.MlsApi/QueryGroupMessages`, {
      method: "OPTIONS",
      headers: {
        origin: "http://127.0.0.1:9",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-app-version,x-grpc-web,x-libxmtp-version",
      },
    });
    expect(res.status).toBeLessThan(300);
    const allowed = (res.headers.get("access-control-allow-headers") ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase());
    for (const h of ["content-type", "x-app-version", "x-grpc-web", "x-libxmtp-version"]) {
      expect(allowed, h).toContain(h);
    }
    const exposed = (res.headers.get("access-control-expose-headers") ?? "").toLowerCase();
    expect(exposed).toContain("grpc-status");
    expect(exposed).toContain("grpc-message");
  });
});

describe("key package uploaded before the identity update that grants it (libxmtp's order)", () => {
  it("keeps a new inbox's key package pending until the inbox's first update grants it", async () => {
    const wallet = newWallet();
    const inst = newInstallation();
    const { inboxId, update } = await buildCreateInboxUpdate({
      signer: wallet.signer,
      installation: inst,
      nowNs: tick(),
    });
    const kp = await createKeyPackage({ inboxId, ...inst });
    await api.mls.uploadKeyPackage({
      keyPackage: { keyPackageTlsSerialized: kp.keyPackageBytes },
      isInboxIdCredential: true,
    });
    expect(await fetchOne(inst.publicKey)).toHaveLength(0); // nobody can add it yet
    await api.identity.publishIdentityUpdate({ identityUpdate: update });
    expect(await fetchOne(inst.publicKey)).toEqual(kp.keyPackageBytes);
  });

  it("keeps a second installation's key package pending until its inbox adds it", async () => {
    const { inboxId, wallet } = await publishNewInbox(api);
    const second = newInstallation();
    const kp = await createKeyPackage({ inboxId, ...second });
    await api.mls.uploadKeyPackage({
      keyPackage: { keyPackageTlsSerialized: kp.keyPackageBytes },
      isInboxIdCredential: true,
    });
    expect(await fetchOne(second.publicKey)).toHaveLength(0);
    await api.identity.publishIdentityUpdate({
      identityUpdate: await addInstallationUpdate(inboxId, wallet, second),
    });
    expect(await fetchOne(second.publicKey)).toEqual(kp.keyPackageBytes);
  });

  it("still refuses what does not verify, and a pending package still obeys monotonic not_before", async () => {
    await expectConnectError(
      api.mls.uploadKeyPackage({
        keyPackage: { keyPackageTlsSerialized: utf8("not a key package") },
      }),
      Code.InvalidArgument,
      /key_package\.key_package_tls_serialized/,
    );
    const inst = newInstallation();
    const inboxId = "cd".repeat(32);
    const at = async (msAgo: number) => {
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() - msAgo });
      try {
        return (await createKeyPackage({ inboxId, ...inst })).keyPackageBytes;
      } finally {
        vi.useRealTimers();
      }
    };
    const older = await at(3_600_000);
    const newer = await at(0);
    await api.mls.uploadKeyPackage({ keyPackage: { keyPackageTlsSerialized: newer } });
    await expectConnectError(
      api.mls.uploadKeyPackage({ keyPackage: { keyPackageTlsSerialized: older } }),
      Code.FailedPrecondition,
      /older than the key package the node holds/,
    );
  });
});

describe("welcome pointers and welcome_metadata (XMTP's field numbers)", () => {
  const hpke = (n: number) => new Uint8Array(32).fill(n);
  const pointer = (installationKey: Uint8Array, bytes: string, wrapperAlgorithm: number) => ({
    version: {
      case: "welcomePointer" as const,
      value: {
        installationKey,
        welcomePointer: utf8(bytes),
        hpkePublicKey: hpke(7),
        wrapperAlgorithm,
      },
    },
  });

  it("stores a symmetric-key pointee with its metadata and one pointer per recipient; query and stream return both variants", async () => {
    const destination = crypto.getRandomValues(new Uint8Array(32));
    const [b, c, d] = [newInstallation(), newInstallation(), newInstallation()];
    const ac = new AbortController();
    const streamed: string[] = [];
    const stream = api.mls.subscribeWelcomeMessages(
      { filters: [{ installationKey: d.publicKey, idCursor: 0n }] },
      { signal: ac.signal },
    );
    const reading = (async () => {
      for await (const m of stream) {
        streamed.push(m.version.case ?? "none");
        if (m.version.case === "welcomePointer") {
          streamed.push(new TextDecoder().decode(m.version.value.welcomePointer));
        }
        break;
      }
      ac.abort();
    })();
    await new Promise((r) => setTimeout(r, 300));

    const pointee: WelcomeMessageInput["version"] = {
      case: "v1",
      value: {
        installationKey: destination,
        data: utf8("sealed welcome"),
        hpkePublicKey: new Uint8Array(),
        wrapperAlgorithm: WelcomeWrapperAlgorithm.SYMMETRIC_KEY,
        welcomeMetadata: utf8("sealed cursor"),
      } as never,
    };
    await api.mls.sendWelcomeMessages({
      messages: [
        { version: pointee },
        pointer(b.publicKey, "ptr-b", WelcomeWrapperAlgorithm.CURVE25519),
        pointer(c.publicKey, "ptr-c", WelcomeWrapperAlgorithm.XWING_MLKEM_768_DRAFT_6),
        pointer(d.publicKey, "ptr-d", WelcomeWrapperAlgorithm.CURVE25519),
      ],
    });

    const [got] = (await api.mls.queryWelcomeMessages({ installationKey: destination })).messages;
    expect(got?.version.case).toBe("v1");
    if (got?.version.case !== "v1") return;
    expect(got.version.value.wrapperAlgorithm).toBe(3);
    expect(got.version.value.hpkePublicKey).toHaveLength(0);
    expect(got.version.value.data).toEqual(utf8("sealed welcome"));
    expect(got.version.value.welcomeMetadata).toEqual(utf8("sealed cursor"));

    const [forC] = (await api.mls.queryWelcomeMessages({ installationKey: c.publicKey })).messages;
    expect(forC?.version.case).toBe("welcomePointer");
    if (forC?.version.case !== "welcomePointer") return;
    expect(forC.version.value.welcomePointer).toEqual(utf8("ptr-c"));
    expect(forC.version.value.hpkePublicKey).toEqual(hpke(7));
    expect(forC.version.value.wrapperAlgorithm).toBe(2);
    expect(forC.version.value.id).toBeGreaterThan(0n);

    await reading;
    expect(streamed).toEqual(["welcomePointer", "ptr-d"]);
  });

  it("keeps welcome_metadata on an ordinary HPKE welcome", async () => {
    const key = newInstallation().publicKey;
    await api.mls.sendWelcomeMessages({
      messages: [
        {
          version: {
            case: "v1",
            value: {
              installationKey: key,
              data: utf8("w"),
              hpkePublicKey: hpke(1),
              wrapperAlgorithm: WelcomeWrapperAlgorithm.CURVE25519,
              welcomeMetadata: utf8("meta"),
            },
          },
        },
      ],
    });
    const [got] = (await api.mls.queryWelcomeMessages({ installationKey: key })).messages;
    expect(got?.version.case === "v1" && got.version.value.welcomeMetadata).toEqual(utf8("meta"));
  });

  it("refuses a pointer without a recipient key or with an algorithm that cannot wrap it, and an HPKE welcome without a key", async () => {
    const key = newInstallation().publicKey;
    await expectConnectError(
      api.mls.sendWelcomeMessages({
        messages: [
          {
            version: {
              case: "welcomePointer",
              value: {
                installationKey: key,
                welcomePointer: utf8("p"),
                wrapperAlgorithm: 1 as never,
              },
            },
          },
        ],
      }),
      Code.InvalidArgument,
      /messages\[0\]\.welcome_pointer\.hpke_public_key is empty/,
    );
    await expectConnectError(
      api.mls.sendWelcomeMessages({ messages: [pointer(key, "p", 3)] }),
      Code.InvalidArgument,
      /messages\[0\]\.welcome_pointer\.wrapper_algorithm 3 cannot wrap a welcome pointer/,
    );
    await expectConnectError(
      api.mls.sendWelcomeMessages({
        messages: [
          {
            version: {
              case: "v1",
              value: { installationKey: key, data: utf8("w"), wrapperAlgorithm: 1 },
            },
          },
        ],
      }),
      Code.InvalidArgument,
      /messages\[0\]\.v1\.hpke_public_key is empty/,
    );
    await expectConnectError(
      api.mls.sendWelcomeMessages({
        messages: [
          {
            version: {
              case: "v1",
              value: {
                installationKey: key,
                data: utf8("w"),
                hpkePublicKey: hpke(1),
                wrapperAlgorithm: 15 as never,
              },
            },
          },
        ],
      }),
      Code.InvalidArgument,
      /wrapper_algorithm 15 is not a WelcomeWrapperAlgorithm/,
    );
    expect((await api.mls.queryWelcomeMessages({ installationKey: key })).messages).toHaveLength(0);
  });
});

const sendRaw = (data: Uint8Array) =>
  api.mls.sendGroupMessages({
    messages: [{ version: { case: "v1", value: { data, senderHmac: new Uint8Array(32) } } }],
  });

describe("is_commit", () => {
  it("is set from the MLS framing's content type, on query and on stream", async () => {
    const groupId = randomGroupId();
    await sendRaw(privateMessage(groupId, utf8("app"), 1n, "application"));
    await sendRaw(privateMessage(groupId, utf8("commit"), 1n, "commit"));
    const res = await api.mls.queryGroupMessages({ groupId });
    expect(res.messages.map((m) => m.version.value!.isCommit)).toEqual([false, true]);

    const ac = new AbortController();
    const flags: boolean[] = [];
    for await (const m of api.mls.subscribeGroupMessages(
      { filters: [{ groupId, idCursor: 0n }] },
      { signal: ac.signal },
    )) {
      flags.push(m.version.value!.isCommit);
      if (flags.length === 2) break;
    }
    ac.abort();
    expect(flags).toEqual([false, true]);
  });
});

describe("GetNewestGroupMessage", () => {
  it("answers each group's newest message in request order, unset for a group with none", async () => {
    const [g1, g2, empty] = [randomGroupId(), randomGroupId(), randomGroupId()];
    await sendRaw(privateMessage(g1, utf8("old")));
    await sendRaw(privateMessage(g2, utf8("only"), 1n, "commit"));
    await sendRaw(privateMessage(g1, utf8("new")));
    const full = await api.mls.getNewestGroupMessage({
      groupIds: [g2, empty, g1],
      includeContent: true,
    });
    expect(full.responses).toHaveLength(3);
    const [r2, rEmpty, r1] = full.responses.map((r) => r.groupMessage?.version.value);
    expect(r2?.data).toEqual(privateMessage(g2, utf8("only"), 1n, "commit"));
    expect(r2?.isCommit).toBe(true);
    expect(rEmpty).toBeUndefined();
    expect(r1?.data).toEqual(privateMessage(g1, utf8("new")));
    expect(r1?.groupId).toEqual(g1);

    const bare = await api.mls.getNewestGroupMessage({ groupIds: [g1] });
    const v1 = bare.responses[0]!.groupMessage!.version.value!;
    expect(v1.id).toBe(r1!.id);
    expect(v1.createdNs).toBe(r1!.createdNs);
    expect(v1.data).toHaveLength(0);

    await expectConnectError(
      api.mls.getNewestGroupMessage({ groupIds: [new Uint8Array()] }),
      Code.InvalidArgument,
      /group_ids\[0\] is empty/,
    );
  });

  it("is served over gRPC-web, as the browser SDK calls it", async () => {
    const g = randomGroupId();
    await sendRaw(privateMessage(g, utf8("x")));
    const res = await clients(node.url, "grpc-web").mls.getNewestGroupMessage({ groupIds: [g] });
    expect(res.responses[0]!.groupMessage?.version.value?.groupId).toEqual(g);
  });
});

describe("streams with no filter yet (a client with no group)", () => {
  it("keeps SubscribeGroupMessages and SubscribeWelcomeMessages open with zero filters", async () => {
    const outcomes = await Promise.all(
      [
        (signal: AbortSignal) => api.mls.subscribeGroupMessages({ filters: [] }, { signal }),
        (signal: AbortSignal) => api.mls.subscribeWelcomeMessages({ filters: [] }, { signal }),
      ].map(async (open) => {
        const ac = new AbortController();
        const timer = setTimeout(() => ac.abort(), 1500);
        try {
          for await (const _ of open(ac.signal)) void _;
          return "ended by the node";
        } catch (err) {
          return ac.signal.aborted ? "still open" : String(err);
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    expect(outcomes).toEqual(["still open", "still open"]);
  });
});
