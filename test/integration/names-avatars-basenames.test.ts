// Names on two real chains (ganache, started here): Ethereum with ENS (test/chain/Ens.sol's
// registry, resolver and Universal Resolver) and a second chain standing for Base (chain 8453)
// with Basenames' layout (registry, resolver, reverse records under <address>.80002105.reverse,
// ENSIP-19's L2 reverse registrar). Avatars come only with a forward-verified name, a Basename
// resolves both ways on Base, ENS is asked before Base, and no RPC means addresses only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import type { Address } from "viem";
import { startNode, type StartedNode } from "../../server/test/harness";
import { Client, type ClientOptions } from "../../lib/client";
import { startDevChain, type DevBasenames, type DevChain, type DevEns } from "../chain/dev-chain";
import { newWallet, type TestWallet } from "../support/accounts";
import { refusal } from "../support/refusal";

// A 1x1 PNG: what ENS apps write when the picture is on chain.
const PNG =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const CID = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";

let l1: DevChain;
let base: DevChain;
let ens: DevEns;
let bn: DevBasenames;
let node: StartedNode;
let viewer: Client;
const open: Client[] = [];

const at = (w: TestWallet) => w.address as Address;

function options(dbName: string, extra: Partial<ClientOptions> = {}): ClientOptions {
  return {
    apiUrl: node.url,
    dbName,
    indexedDB,
    IDBKeyRange,
    chainRpcUrls: `${l1.chainId}=${l1.url},${base.chainId}=${base.url}`,
    names: {
      chains: [
        { kind: "ens", chainId: l1.chainId, universalResolverAddress: ens.universalResolver },
        {
          kind: "basenames",
          chainId: base.chainId,
          registryAddress: bn.registry,
          l2ReverseRegistrarAddress: bn.l2ReverseRegistrar,
        },
      ],
    },
    ...extra,
  };
}

async function create(wallet: TestWallet, dbName: string, extra: Partial<ClientOptions> = {}) {
  const c = await Client.create(wallet.signer, options(dbName, extra));
  open.push(c);
  return c;
}

beforeAll(async () => {
  [l1, base] = await Promise.all([startDevChain(), startDevChain(8453)]);
  [ens, bn] = await Promise.all([l1.deployEns(), base.deployBasenames()]);
  node = await startNode();
  viewer = await create(newWallet(), "names2-viewer");
}, 180_000);
afterAll(async () => {
  for (const c of open) await c.close().catch(() => undefined);
  await node?.stop();
  await Promise.all([l1?.stop(), base?.stop()]);
});

describe("avatars", () => {
  it("comes with a forward-verified name; a false reverse record gives neither name nor avatar", async () => {
    const alice = newWallet();
    const mallory = newWallet();
    await ens.setAddress("alice.eth", at(alice));
    await ens.setReverse(at(alice), "alice.eth");
    await ens.setText("alice.eth", "avatar", PNG);
    // Mallory claims Alice's name (and so her avatar): the name points at Alice, not Mallory.
    await ens.setReverse(at(mallory), "alice.eth");
    expect(await viewer.names.profileOf(alice.address)).toEqual({
      name: "alice.eth",
      chainId: l1.chainId,
      avatarUrl: PNG,
    });
    expect(await viewer.names.profileOf(mallory.address)).toBeUndefined();
  });

  it("shows only kinds it can load safely: https as is, ipfs:// only through a configured gateway", async () => {
    const carol = newWallet();
    await ens.setAddress("carol.eth", at(carol));
    await ens.setReverse(at(carol), "carol.eth");
    await ens.setText("carol.eth", "avatar", `ipfs://${CID}`);
    const withGateway = await create(newWallet(), "names2-gw", {
      names: { ...options("").names, ipfsGateway: "https://gw.example.org" },
    });
    expect((await viewer.names.profileOf(carol.address))?.avatarUrl).toBeUndefined();
    expect((await viewer.names.profileOf(carol.address))?.name).toBe("carol.eth");
    expect((await withGateway.names.profileOf(carol.address))?.avatarUrl).toBe(
      `https://gw.example.org/ipfs/${CID}`,
    );
    // A typed name brings its own avatar (the preview in New message).
    const erin = newWallet();
    await ens.setAddress("erin.eth", at(erin));
    await ens.setText("erin.eth", "avatar", "https://img.example.org/erin.png");
    expect(await viewer.names.resolveName("Erin.eth")).toEqual({
      name: "erin.eth",
      address: erin.address,
      chainId: l1.chainId,
      avatarUrl: "https://img.example.org/erin.png",
    });
  });

  it("is cached with the name: a reload whose RPCs are dead still shows both", async () => {
    const dan = newWallet();
    await ens.setAddress("dan.eth", at(dan));
    await ens.setReverse(at(dan), "dan.eth");
    await ens.setText("dan.eth", "avatar", PNG);
    const c = await create(newWallet(), "names2-cache");
    expect((await c.names.profileOf(dan.address))?.avatarUrl).toBe(PNG);
    await ens.setText("dan.eth", "avatar", "https://img.example.org/new.png");
    const dead = `${l1.chainId}=http://127.0.0.1:9,${base.chainId}=http://127.0.0.1:9`;
    const reopened = await Client.restore(
      c.address,
      options("names2-cache", { chainRpcUrls: dead }),
    );
    open.push(reopened);
    expect(await reopened.names.profileOf(dan.address)).toEqual({
      name: "dan.eth",
      chainId: l1.chainId,
      avatarUrl: PNG,
    });
  });
});

describe("Basenames", () => {
  it("a primary name set on Base (ENSIP-19 reverse registrar) resolves both ways there, with its avatar", async () => {
    const bob = newWallet();
    await bn.setAddress("bob.base.eth", at(bob));
    await bn.setPrimaryName(at(bob), "bob.base.eth");
    await bn.setText("bob.base.eth", "avatar", PNG);
    expect(await viewer.names.profileOf(bob.address)).toEqual({
      name: "bob.base.eth",
      chainId: 8453n,
      avatarUrl: PNG,
    });
    await create(bob, "names2-bob"); // Bob is on the network
    const dm = await viewer.conversations.newDm("Bob.Base.eth");
    expect(dm.peerAddress).toBe(bob.address);
  });

  it("reads the older Basenames reverse record and the Base coin-type address record", async () => {
    const fay = newWallet();
    // A name set up after ENSIP-19: only the address for Base's coin type (0x80002105).
    await bn.setChainAddress("fay.base.eth", at(fay));
    await bn.setLegacyReverse(at(fay), "fay.base.eth");
    expect(await viewer.names.nameOf(fay.address)).toBe("fay.base.eth");
    expect(await viewer.names.resolve("fay.base.eth")).toBe(fay.address);
  });

  it("a false Basename claim gives nothing; a true older record behind a false newer one still counts", async () => {
    const gus = newWallet();
    const mallory = newWallet();
    await bn.setAddress("gus.base.eth", at(gus));
    await bn.setPrimaryName(at(mallory), "gus.base.eth");
    await bn.setText("gus.base.eth", "avatar", PNG);
    expect(await viewer.names.profileOf(mallory.address)).toBeUndefined();
    await bn.setPrimaryName(at(gus), "mallory.base.eth"); // someone wrote a false one for Gus
    await bn.setLegacyReverse(at(gus), "gus.base.eth");
    expect((await viewer.names.profileOf(gus.address))?.name).toBe("gus.base.eth");
  });

  it("verifies on the chain that gave the name: an Ethereum name claimed on Base is not believed there", async () => {
    const hal = newWallet();
    await ens.setAddress("hal.eth", at(hal)); // true on Ethereum, but Hal set no reverse there
    await bn.setPrimaryName(at(hal), "hal.eth");
    expect(await viewer.names.nameOf(hal.address)).toBeUndefined();
  });

  it("asks Ethereum first: an address with both shows its ENS name; a false ENS claim falls through to Base", async () => {
    const ivy = newWallet();
    await ens.setAddress("ivy.eth", at(ivy));
    await ens.setReverse(at(ivy), "ivy.eth");
    await bn.setAddress("ivy.base.eth", at(ivy));
    await bn.setPrimaryName(at(ivy), "ivy.base.eth");
    expect((await viewer.names.profileOf(ivy.address))?.name).toBe("ivy.eth");
    const jo = newWallet();
    await ens.setReverse(at(jo), "ivy.eth");
    await bn.setAddress("jo.base.eth", at(jo));
    await bn.setPrimaryName(at(jo), "jo.base.eth");
    expect(await viewer.names.profileOf(jo.address)).toMatchObject({
      name: "jo.base.eth",
      chainId: 8453n,
    });
  });
});

describe("configuration", () => {
  it("no RPC: addresses only, no avatar, and a typed Basename is refused with why", async () => {
    const kim = newWallet();
    await bn.setAddress("kim.base.eth", at(kim));
    await bn.setPrimaryName(at(kim), "kim.base.eth");
    await bn.setText("kim.base.eth", "avatar", PNG);
    const plain = await create(newWallet(), "names2-none", { chainRpcUrls: "" });
    expect(plain.names.enabled).toBe(false);
    expect(await plain.names.profileOf(kim.address)).toBeUndefined();
    const err = await refusal(plain.conversations.newDm("kim.base.eth"));
    expect(err.code).toBe("names_unavailable");
  });

  it("only Base configured: Basenames work, an ENS name is refused saying no chain here resolves it", async () => {
    const baseOnly = await create(newWallet(), "names2-base", {
      chainRpcUrls: `${base.chainId}=${base.url}`,
    });
    const lee = newWallet();
    await bn.setAddress("lee.base.eth", at(lee));
    await bn.setPrimaryName(at(lee), "lee.base.eth");
    expect(await baseOnly.names.nameOf(lee.address)).toBe("lee.base.eth");
    const err = await refusal(baseOnly.conversations.newDm("alice.eth"));
    expect(err.code).toBe("names_unavailable");
    expect(err.message).toMatch(/no chain configured here resolves alice\.eth/);
  });
});
