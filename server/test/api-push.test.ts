// Web Push through a real node process (PGlite, and PostgreSQL with TEST_DATABASE_URL)
// to a local push-service stand-in that checks the VAPID JWT and decrypts the RFC 8291
// payload: who gets a push and who never does, gone endpoints, retries, and refusals of
// bad registrations that name the field.
import { create, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ed25519Sign, randomBytes, toHex, type Ed25519KeyPair } from "../../lib/crypto";
import { PushApi, PushRegistrationSchema } from "../../lib/proto/messenger/push/v1/push_pb";
import { pushHmacKeys, pushRegistrationSignedBytes, senderHmac } from "../../lib/push";
import { startNode, type StartedNode } from "./harness";
import {
  clients,
  expectConnectError,
  newInstallation,
  privateMessage,
  publishNewInbox,
  randomGroupId,
  type Clients,
} from "./helpers";
import { PushServiceStandIn, type StandInSubscription } from "./push-service-stand-in";
import { storeKinds, TEST_DATABASE_URL } from "./stores";

type Change = MessageInitShape<typeof PushRegistrationSchema>["change"];

interface Device {
  inboxId: string;
  installation: Ed25519KeyPair;
  rootKey: Uint8Array; // the inbox's push HMAC root key (shared by its installations)
}

let lastTs = 0n;
const ts = () => {
  const now = BigInt(Date.now()) * 1_000_000n;
  lastTs = now > lastTs ? now : lastTs + 1n;
  return lastTs;
};

describe.each(storeKinds)("web push on %s", (kind) => {
  let node: StartedNode;
  let api: Clients;
  let push: Client<typeof PushApi>;
  let vapidKey = "";
  const standIn = new PushServiceStandIn(() => vapidKey);

  beforeAll(async () => {
    await standIn.start();
    node = await startNode({
      ...(kind === "postgres" ? { databaseUrl: TEST_DATABASE_URL } : {}),
      env: { PUSH_ALLOW_HTTP_ENDPOINTS: "1", VAPID_SUBJECT: "mailto:ops@example.org" },
    });
    api = clients(node.url);
    push = createClient(PushApi, createConnectTransport({ baseUrl: node.url, httpVersion: "1.1" }));
    vapidKey = (await push.getVapidPublicKey({})).publicKey;
  });
  afterAll(async () => {
    await node?.stop();
    await standIn.stop();
  });

  function signed(d: Device, change: Change, timestampNs = ts()) {
    const registration = toBinary(
      PushRegistrationSchema,
      create(PushRegistrationSchema, {
        inboxId: d.inboxId,
        installationKey: d.installation.publicKey,
        timestampNs,
        change,
      }),
    );
    const signature = ed25519Sign(
      pushRegistrationSignedBytes(registration),
      d.installation.privateKey,
    );
    return { registration, signature };
  }
  const update = (d: Device, change: Change, timestampNs?: bigint) =>
    push.updatePushRegistration(signed(d, change, timestampNs));

  async function newDevice(): Promise<Device> {
    const { inboxId, installation } = await publishNewInbox(api);
    return { inboxId, installation, rootKey: randomBytes(32) };
  }

  async function subscribe(d: Device, name: string): Promise<StandInSubscription> {
    const s = standIn.subscription(name);
    await update(d, {
      case: "subscribe",
      value: { endpoint: s.endpoint, p256dh: s.p256dh, auth: s.auth },
    });
    return s;
  }

  const setTopics = (d: Device, groups: Uint8Array[]) =>
    update(d, {
      case: "setTopics",
      value: {
        topics: groups.map((g) => ({
          groupId: g,
          hmacKeys: pushHmacKeys(d.rootKey, g).map((k) => ({
            key: k.key,
            thirtyDayPeriodsSinceEpoch: k.period,
          })),
        })),
      },
    });

  /** A message to `group` as the sender's client sends it: sender_hmac under its inbox's key. */
  async function send(
    from: Device,
    group: Uint8Array,
    opts: { shouldPush?: boolean; commit?: boolean } = {},
  ) {
    const data = privateMessage(group, randomBytes(48), 1n, opts.commit ? "commit" : "application");
    const key = pushHmacKeys(from.rootKey, group, [0])[0]!.key;
    await api.mls.sendGroupMessages({
      messages: [
        {
          version: {
            case: "v1",
            value: { data, senderHmac: senderHmac(key, data), shouldPush: opts.shouldPush ?? true },
          },
        },
      ],
    });
  }

  /** Sends a marker that must reach `name`, then gives stragglers a moment: what came before is all. */
  async function settle(from: Device, group: Uint8Array, name: string) {
    const before = standIn.to(name).length;
    await send(from, group);
    await standIn.waitFor(() => standIn.to(name).length > before);
    await new Promise((r) => setTimeout(r, 400));
  }

  it("vapidPublicKeyIsAnUncompressedP256PointKeptAcrossCalls", async () => {
    const key = Buffer.from(vapidKey, "base64url");
    expect(key.length).toBe(65);
    expect(key[0]).toBe(4);
    expect((await push.getVapidPublicKey({})).publicKey).toBe(vapidKey);
  });

  it("aMessageReachesTheSubscriberEncryptedAndVapidSigned", async () => {
    const [alice, bob] = [await newDevice(), await newDevice()];
    const group = randomGroupId();
    await subscribe(bob, "bob-reach");
    await setTopics(bob, [group]);
    await send(alice, group);
    await standIn.waitFor(() => standIn.to("bob-reach").length === 1);
    const got = standIn.to("bob-reach")[0]!;
    expect(got.payload).toMatchObject({ v: 1, group: toHex(group) });
    expect(got.urgency).toBe("high");
    expect(Number(got.ttl)).toBeGreaterThan(0);
    expect(standIn.refused).toEqual([]);
  });

  it("neverTheSendersOwnInstallations", async () => {
    const [alice, bob] = [await newDevice(), await newDevice()];
    // Any of Bob's devices signs with the inbox's root key (it travels in the SYNC group).
    const group = randomGroupId();
    await subscribe(bob, "bob-own");
    await setTopics(bob, [group]);
    await send(bob, group); // sent by Bob's inbox: the node must recognise its HMAC
    await settle(alice, group, "bob-own");
    expect(standIn.to("bob-own")).toHaveLength(1); // only Alice's marker
  });

  it("unregisteredMutedOrRemovedConversationsNeverPush", async () => {
    const [alice, bob] = [await newDevice(), await newDevice()];
    const [kept, muted] = [randomGroupId(), randomGroupId()];
    await subscribe(bob, "bob-mute");
    await setTopics(bob, [kept, muted]);
    // Muting (or a request / blocked conversation) = the client leaves it out of its topics.
    await setTopics(bob, [kept]);
    await send(alice, muted);
    await settle(alice, kept, "bob-mute");
    expect(standIn.to("bob-mute").map((p) => (p.payload as { group: string }).group)).toEqual([
      toHex(kept),
    ]);
  });

  it("shouldPushFalseAndCommitsNeverPush", async () => {
    const [alice, bob] = [await newDevice(), await newDevice()];
    const group = randomGroupId();
    await subscribe(bob, "bob-quiet");
    await setTopics(bob, [group]);
    await send(alice, group, { shouldPush: false }); // a reaction or read receipt
    await send(alice, group, { commit: true });
    await settle(alice, group, "bob-quiet");
    expect(standIn.to("bob-quiet")).toHaveLength(1);
  });

  it("goneEndpointIsDroppedAndRetriesReachAFlakyService", async () => {
    const [alice, bob, carol] = [await newDevice(), await newDevice(), await newDevice()];
    const group = randomGroupId();
    await subscribe(bob, "bob-gone");
    await setTopics(bob, [group]);
    await subscribe(carol, "carol-flaky");
    await setTopics(carol, [group]);
    standIn.gone.add("bob-gone");
    standIn.failNext = 2; // the first two POSTs that are not Bob's get 503
    await send(alice, group);
    await standIn.waitFor(() => standIn.to("carol-flaky").length === 1 && standIn.goneHits === 1);
    // Bob's subscription is gone from the node: topics cannot be set until he subscribes again.
    await expectConnectError(
      setTopics(bob, [group]),
      Code.FailedPrecondition,
      /no push subscription/,
    );
    await send(alice, group);
    await standIn.waitFor(() => standIn.to("carol-flaky").length === 2);
    expect(standIn.goneHits).toBe(1);
  });

  it("badRegistrationsAreRefusedNamingTheField", async () => {
    const bob = await newDevice();
    const s = standIn.subscription("bob-bad");
    const sub = (
      over: Partial<{ endpoint: string; p256dh: Uint8Array; auth: Uint8Array }>,
    ): Change => ({
      case: "subscribe",
      value: { endpoint: s.endpoint, p256dh: s.p256dh, auth: s.auth, ...over },
    });
    await expectConnectError(
      setTopics(bob, [randomGroupId()]),
      Code.FailedPrecondition,
      /subscribe first/,
    );
    await expectConnectError(
      update(bob, sub({ endpoint: "not a url" })),
      Code.InvalidArgument,
      /subscribe\.endpoint is not a URL/,
    );
    await expectConnectError(
      update(bob, sub({ endpoint: "ftp://x/y" })),
      Code.InvalidArgument,
      /must be an https URL/,
    );
    await expectConnectError(
      update(bob, sub({ p256dh: new Uint8Array(33) })),
      Code.InvalidArgument,
      /subscribe\.p256dh/,
    );
    await expectConnectError(
      update(bob, sub({ auth: new Uint8Array(3) })),
      Code.InvalidArgument,
      /subscribe\.auth must be 16 bytes/,
    );
    await expectConnectError(
      update(bob, { case: undefined }),
      Code.InvalidArgument,
      /registration\.change is empty/,
    );
    // Signed by a key the inbox never granted.
    const stranger = { ...bob, installation: newInstallation() };
    await expectConnectError(
      update(stranger, sub({})),
      Code.FailedPrecondition,
      /not an installation of inbox/,
    );
    // A signature by another key, and garbage.
    const good = signed(bob, sub({}));
    await expectConnectError(
      push.updatePushRegistration({
        ...good,
        signature: ed25519Sign(good.registration, bob.installation.privateKey),
      }),
      Code.InvalidArgument,
      /signature does not verify/,
    );
    await expectConnectError(
      push.updatePushRegistration({
        registration: Uint8Array.of(0xff, 0xff),
        signature: good.signature,
      }),
      Code.InvalidArgument,
      /cannot be decoded as a PushRegistration/,
    );
    await expectConnectError(
      update(bob, sub({}), BigInt(Date.now() - 2 * 3600_000) * 1_000_000n),
      Code.InvalidArgument,
      /more than an hour/,
    );
    // Accepted once; the same signed change again is a replay.
    await push.updatePushRegistration(good);
    await expectConnectError(push.updatePushRegistration(good), Code.AlreadyExists, /not newer/);
    const dup = randomGroupId();
    await expectConnectError(
      setTopics(bob, [dup, dup]),
      Code.InvalidArgument,
      /topics\[1\]\.group_id repeats/,
    );
  });

  it("unsubscribeStopsPushes", async () => {
    const [alice, bob, carol] = [await newDevice(), await newDevice(), await newDevice()];
    const group = randomGroupId();
    await subscribe(bob, "bob-unsub");
    await setTopics(bob, [group]);
    await subscribe(carol, "carol-unsub");
    await setTopics(carol, [group]);
    await update(bob, { case: "unsubscribe", value: {} });
    await settle(alice, group, "carol-unsub");
    expect(standIn.to("bob-unsub")).toHaveLength(0);
  });
});
