// Welcome pointers between our own clients (libxmtp's design, lib/mls/welcome-pointer.ts):
// a group created with more than two of our installations stores its welcome once and
// sends each a small X-Wing-wrapped pointer; fewer get the welcome itself, X-Wing-wrapped.
// A pointee the node withholds is waited for, then refused; one it alters never joins.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { create, toBinary } from "@bufbuild/protobuf";
import { startNode, type StartedNode } from "../../server/test/harness";
import type { Client } from "../../lib/client";
import { isWelcomePointer, type ReceivedWelcome } from "../../lib/api";
import { isTransient } from "../../lib/client/messages/receive";
import { POINTEE_WAIT_NS, welcomeToOpen } from "../../lib/client/messages/welcome-pointee";
import { listKeyPackages } from "../../lib/storage";
import { randomBytes } from "../../lib/crypto";
import { parseKeyPackage, welcomeRecipientOf, wrapWelcomePointer } from "../../lib/mls";
import {
  WelcomePointeeEncryptionAeadType,
  WelcomePointerSchema,
} from "../../lib/proto/mls/message_contents/welcome_pointer_pb";
import { WelcomeWrapperAlgorithm } from "../../lib/proto/mls/message_contents/wrapper_encryption_pb";
import { newWallet } from "../support/accounts";
import { groupOf, texts } from "../support/groups";
import { ctxOf, loggedClients } from "../support/client-internals";

describe("welcome pointers between our clients", () => {
  let node: StartedNode;
  const wallets = Array.from({ length: 5 }, () => newWallet());
  const { make, closeAll } = loggedClients(() => node.url);
  let a: Client, b: Client, c: Client, d: Client, e: Client;

  beforeAll(async () => {
    node = await startNode();
    const all = await Promise.all(wallets.map((w, i) => make(w, `wp-${i}`)));
    [a, b, c, d, e] = all as [Client, Client, Client, Client, Client];
  }, 120_000);

  afterAll(async () => {
    await closeAll();
    await node?.stop();
  });

  /** What the node holds on an installation's welcome topic. */
  const welcomesOf = (x: Client): Promise<ReceivedWelcome[]> =>
    ctxOf(a).api.queryWelcomeMessages(ctxOf(x).installation.publicKey, { cursor: 0n });

  it("three new members each get a pointer to one stored welcome, and all of them join", async () => {
    const g = await a.conversations.newGroup([b.inboxId, c.inboxId, d.inboxId], { name: "Trio+" });
    for (const x of [b, c, d]) {
      const [w] = await welcomesOf(x);
      expect(w && isWelcomePointer(w)).toBe(true);
      // X-Wing-wrapped (post-quantum), to the 1216-byte key our key packages carry.
      expect(w!.wrapperAlgorithm).toBe(WelcomeWrapperAlgorithm.XWING_MLKEM_768_DRAFT_6);
      expect(w!.hpkePublicKey.length).toBe(1216);
      expect(isWelcomePointer(w!) && w.welcomePointer.length).toBeLessThan(1300);
    }
    await g.send("hello trio");
    for (const x of [b, c, d]) expect(await texts(await groupOf(x, g.id))).toEqual(["hello trio"]);
  });

  it("two new members get the welcome itself, X-Wing-wrapped", async () => {
    const g = await a.conversations.newGroup([b.inboxId, e.inboxId], { name: "Pair" });
    const [w] = (await welcomesOf(e)).slice(-1);
    expect(w && !isWelcomePointer(w)).toBe(true);
    expect(w!.wrapperAlgorithm).toBe(WelcomeWrapperAlgorithm.XWING_MLKEM_768_DRAFT_6);
    await g.send("hello pair");
    expect(await texts(await groupOf(e, g.id))).toEqual(["hello pair"]);
  });

  it("a pointer to a welcome the node does not hold is retried while young, then refused", async () => {
    // A pointer as an adder would send it, to a destination nobody filled.
    const [kp] = await listKeyPackages(ctxOf(e).db);
    const to = welcomeRecipientOf(parseKeyPackage(kp!.publicBytes).keyPackage);
    const pointer = toBinary(
      WelcomePointerSchema,
      create(WelcomePointerSchema, {
        version: {
          case: "welcomeV1Pointer",
          value: {
            destination: randomBytes(32),
            aeadType: WelcomePointeeEncryptionAeadType.CHACHA20_POLY1305,
            encryptionKey: randomBytes(32),
            dataNonce: randomBytes(12),
            welcomeMetadataNonce: randomBytes(12),
          },
        },
      }),
    );
    await ctxOf(a).api.sendWelcomeMessages([
      {
        kind: "pointer",
        installationKey: ctxOf(e).installation.publicKey,
        welcomePointer: await wrapWelcomePointer(pointer, to.hpkePublicKey, "xwing"),
        hpkePublicKey: to.hpkePublicKey,
        wrapper: "xwing",
      },
    ]);
    const env = (await welcomesOf(e)).at(-1)!;
    expect(isWelcomePointer(env)).toBe(true);
    const young = await welcomeToOpen(ctxOf(e), env, kp!).catch((err: unknown) => err);
    expect(String(young)).toMatch(/not on the node yet/);
    expect(isTransient(young)).toBe(true);
    const old = await welcomeToOpen(ctxOf(e), env, kp!, env.createdNs + POINTEE_WAIT_NS).catch(
      (err: unknown) => err,
    );
    expect(String(old)).toMatch(/not on the node$/);
    expect(isTransient(old)).toBe(false);
  });
});
