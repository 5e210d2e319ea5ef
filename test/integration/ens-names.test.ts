// ENS names against a real EVM (ganache, started here) with a registry, a resolver and a
// Universal Resolver deployed (test/chain/Ens.sol): names shown for addresses only when
// they resolve back (forward-verified), a name accepted when starting a DM, answers cached
// in IndexedDB until they expire, and addresses only when no RPC is configured.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import type { Address } from "viem";
import { startNode, type StartedNode } from "../../server/test/harness";
import { Client, type ClientOptions } from "../../lib/client";
import { startDevChain, type DevChain, type DevEns } from "../chain/dev-chain";
import { newWallet, type TestWallet } from "../support/accounts";
import { refusal } from "../support/refusal";

let chain: DevChain;
let ens: DevEns;
let node: StartedNode;
let alice: TestWallet;
let a: Client;
let b: Client;
const open: Client[] = [];

function options(dbName: string, extra: Partial<ClientOptions> = {}): ClientOptions {
  return {
    apiUrl: node.url,
    dbName,
    indexedDB,
    IDBKeyRange,
    chainRpcUrls: `${chain.chainId}=${chain.url}`,
    names: namesOpts(),
    ...extra,
  };
}

async function create(wallet: TestWallet, dbName: string, extra: Partial<ClientOptions> = {}) {
  const c = await Client.create(wallet.signer, options(dbName, extra));
  open.push(c);
  return c;
}

beforeAll(async () => {
  chain = await startDevChain();
  ens = await chain.deployEns();
  node = await startNode();
  alice = newWallet();
  await ens.setAddress("alice.eth", alice.address as Address);
  await ens.setReverse(alice.address as Address, "alice.eth");
  a = await create(alice, "ens-a");
  b = await create(newWallet(), "ens-b");
}, 180_000);
afterAll(async () => {
  for (const c of open) await c.close().catch(() => undefined);
  await node?.stop();
  await chain?.stop();
});

describe("ENS names", () => {
  it("shows an address's name when the name resolves back to it", async () => {
    expect(b.names.enabled).toBe(true);
    expect(await b.names.nameOf(alice.address)).toBe("alice.eth");
    expect(await b.names.nameOf(newWallet().address)).toBeUndefined();
  });

  it("ignores a reverse record whose name points elsewhere (anyone can claim any name)", async () => {
    const mallory = newWallet();
    await ens.setReverse(mallory.address as Address, "alice.eth");
    expect(await b.names.nameOf(mallory.address)).toBeUndefined();
  });

  it("starts a DM with a name, as typed (normalised), with the address it resolves to", async () => {
    const dm = await b.conversations.newDm("  Alice.ETH ");
    expect(dm.peerAddress).toBe(alice.address);
    await dm.send("found you by name");
    await a.conversations.sync();
    expect((await a.conversations.getById(dm.id)) !== undefined).toBe(true);
    // The same DM again, by address.
    expect((await b.conversations.newDm(alice.address)).id).toBe(dm.id);
  });

  it("refuses a name that points nowhere, and a malformed one, saying which", async () => {
    const none = await refusal(b.conversations.newDm("nobody.eth"));
    expect(none.code).toBe("name_not_found");
    expect(none.message).toMatch(/nobody\.eth does not point to an address/);
    const bad = await refusal(b.conversations.newDm("bad..name"));
    expect(bad.code).toBe("invalid_address");
    expect(bad.message).toMatch(/"bad\.\.name" is not a valid ENS name/);
  });

  it("keeps answers in IndexedDB until they expire: a reload answers with no RPC, a short TTL asks again", async () => {
    const carol = newWallet();
    await ens.setAddress("carol.eth", carol.address as Address);
    await ens.setReverse(carol.address as Address, "carol.eth");
    // Long enough for the cached reads below on a loaded machine; the expiry counts from when
    // the answer was stored, i.e. before the lookup returns.
    const TTL = 8000;
    const c1 = await create(newWallet(), "ens-cache", { names: { ...namesOpts(), ttlMs: TTL } });
    expect(await c1.names.nameOf(carol.address)).toBe("carol.eth");
    const asked = Date.now();
    // Carol renames herself; the cached answer stands until it expires.
    await ens.setAddress("carol2.eth", carol.address as Address);
    await ens.setReverse(carol.address as Address, "carol2.eth");
    expect(await c1.names.nameOf(carol.address)).toBe("carol.eth");
    // A reload whose RPC is dead still answers from the database.
    const reopened = await Client.restore(
      c1.address,
      options("ens-cache", { chainRpcUrls: `${chain.chainId}=http://127.0.0.1:9` }),
    );
    open.push(reopened);
    expect(await reopened.names.nameOf(carol.address)).toBe("carol.eth");
    await new Promise((r) => setTimeout(r, Math.max(0, asked + TTL + 100 - Date.now())));
    expect(await c1.names.nameOf(carol.address)).toBe("carol2.eth");
    // Expired, and the RPC is dead: no name rather than an error (addresses are shown).
    expect(await reopened.names.nameOf(newWallet().address)).toBeUndefined();
  });

  it("without an RPC for the names chain: addresses only, and a typed name is refused with why", async () => {
    const plain = await create(newWallet(), "ens-none", { chainRpcUrls: "" });
    expect(plain.names.enabled).toBe(false);
    expect(await plain.names.nameOf(alice.address)).toBeUndefined();
    const err = await refusal(plain.conversations.newDm("alice.eth"));
    expect(err.code).toBe("names_unavailable");
    expect(err.message).toMatch(/looks like a name.*use the 0x address/);
    expect((await plain.conversations.newDm(alice.address)).peerAddress).toBe(alice.address);
  });
});

function namesOpts() {
  return {
    chains: [
      {
        kind: "ens" as const,
        chainId: chain.chainId,
        universalResolverAddress: ens.universalResolver,
      },
    ],
  };
}
