// A person whose wallet is a smart contract (ERC-1271; ERC-6492 before it is deployed)
// uses the library client end to end against a real node and a real EVM (ganache, started
// here): activation, a second installation, revocation, a DM with an EOA user whose
// client checks the contract wallet's signatures itself — and the refusals: a signature
// the wallet does not accept, and a client with no RPC for the wallet's chain.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { createWalletClient, custom, hexToString, type Address, type Hex } from "viem";
import { startNode, type StartedNode } from "../../server/test/harness";
import {
  Client,
  ClientError,
  signerForWallet,
  type ChainRpcUrlsOption,
  type Signer,
} from "../../lib/client";
import { ApiError } from "../../lib/api";
import {
  contractWalletSigner,
  generatePrivateKey,
  privateKeyToAccount,
  startDevChain,
  type DevChain,
} from "../chain/dev-chain";
import { newWallet } from "../support/accounts";

let chain: DevChain;
let node: StartedNode;
let rpc: ChainRpcUrlsOption;
const owner = privateKeyToAccount(generatePrivateKey());
let wallet: Address;
const open: Client[] = [];

/** Counts the wallet prompts, as a person would. */
function counted(signer: Signer): Signer & { count: () => number } {
  let n = 0;
  return {
    ...signer,
    signMessage: (text) => {
      n++;
      return signer.signMessage(text);
    },
    count: () => n,
  };
}

async function client(signer: Signer, dbName: string, chainRpcUrls = rpc): Promise<Client> {
  const c = await Client.create(signer, {
    apiUrl: node.url,
    dbName,
    indexedDB,
    IDBKeyRange,
    ...(chainRpcUrls ? { chainRpcUrls } : {}),
  });
  open.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(err, "expected a refusal").toBeInstanceOf(Error);
  return err!;
}

beforeAll(async () => {
  chain = await startDevChain();
  rpc = `${chain.chainId}=${chain.url}`;
  node = await startNode({ env: { CHAIN_RPC_URLS: rpc } });
  wallet = await chain.deployWallet(owner.address);
}, 180_000);
afterAll(async () => {
  for (const c of open) await c.close().catch(() => undefined);
  await node?.stop();
  await chain?.stop();
});

describe("a smart-contract wallet as the inbox's wallet", () => {
  let a1: Client;
  let a2: Client;
  let signer: ReturnType<typeof counted>;

  beforeAll(() => {
    signer = counted(contractWalletSigner({ wallet, owner, chainId: chain.chainId }));
  });

  it("activates with one wallet signature, verified on the chain", async () => {
    a1 = await client(signer, "scw-a1");
    expect(signer.count()).toBe(1);
    expect(a1.address).toBe(wallet.toLowerCase());
    expect((await a1.installations()).map((i) => i.id)).toEqual([a1.installationId]);
  });

  it("a second browser becomes a second installation of the same inbox, and is revoked from the first", async () => {
    a2 = await client(signer, "scw-a2");
    expect(signer.count()).toBe(2);
    expect(a2.inboxId).toBe(a1.inboxId);
    expect((await a1.installations()).map((i) => i.id).sort()).toEqual(
      [a1.installationId, a2.installationId].sort(),
    );
    await a1.revokeInstallations(signer, [a2.installationId]);
    expect(signer.count()).toBe(3);
    expect((await a1.installations()).map((i) => i.id)).toEqual([a1.installationId]);
    expect(await a2.isRevoked()).toBe(true);
  });

  it("an EOA user finds it by address and they talk; the contract's signatures are checked by that user's client", async () => {
    const bob = await client(newWallet().signer, "scw-bob");
    expect((await bob.canMessage([wallet])).get(wallet.toLowerCase())).toBe(true);
    const dm = await bob.conversations.newDm(wallet);
    await dm.send("hello, contract wallet");
    await a1.conversations.sync();
    const mine = await a1.conversations.getById(dm.id);
    const texts = (await mine!.messages())
      .filter((m) => m.contentType === "xmtp.org/text:1.0")
      .map((m) => m.content);
    expect(texts).toEqual(["hello, contract wallet"]);
  });

  it("handing the wallet to another key later does not undo the log: each signature is checked at its pinned block", async () => {
    const next = privateKeyToAccount(generatePrivateKey());
    await chain.setOwner(wallet, owner, next.address);
    const carol = await client(newWallet().signer, "scw-carol");
    expect((await carol.canMessage([wallet])).get(wallet.toLowerCase())).toBe(true);
    // The old key can no longer sign for the wallet: a new device it signs for is refused.
    const err = await failure(client(signer, "scw-a3"));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toMatch(/did not accept the signature/);
  });
});

describe("a wallet not deployed yet (ERC-6492)", () => {
  it("activates through its factory, and a peer verifies it the same way", async () => {
    const key = privateKeyToAccount(generatePrivateKey());
    const cf = await chain.counterfactualWallet(key.address);
    const signer = contractWalletSigner({
      wallet: cf.address,
      owner: key,
      chainId: chain.chainId,
      counterfactual: cf,
    });
    const c = await client(signer, "scw-cf");
    expect(c.address).toBe(cf.address.toLowerCase());
    const dave = await client(newWallet().signer, "scw-dave");
    expect((await dave.canMessage([cf.address])).get(cf.address.toLowerCase())).toBe(true);
  });
});

describe("a contract wallet connected as the web app connects wallets (a viem WalletClient)", () => {
  it("is recognised by its code on the wallet's chain, and activates", async () => {
    const key = privateKeyToAccount(generatePrivateKey());
    const address = await chain.deployWallet(key.address);
    // What a smart-wallet app answers over EIP-1193: personal_sign by the contract's owner key.
    const walletApp = createWalletClient({
      transport: custom({
        request: async ({ method, params }: { method: string; params?: unknown }) => {
          if (method === "eth_chainId") return `0x${chain.chainId.toString(16)}`;
          if (method === "eth_accounts" || method === "eth_requestAccounts") return [address];
          if (method === "personal_sign") {
            const [message] = params as [Hex];
            return key.signMessage({ message: hexToString(message) });
          }
          throw new Error(`unexpected ${method}`);
        },
      }),
    });
    const signer = await signerForWallet(walletApp, address, { chainRpcUrls: rpc });
    expect(signer.type).toBe("SCW");
    expect(signer.getChainId?.()).toBe(chain.chainId);
    const c = await client(signer, "scw-wallet-app");
    expect(c.address).toBe(address.toLowerCase());

    // An ordinary key is an EOA; with no RPC for the chain nothing can tell, so EOA too.
    const eoa = privateKeyToAccount(generatePrivateKey());
    expect((await signerForWallet(walletApp, eoa.address, { chainRpcUrls: rpc })).type).toBe("EOA");
    expect((await signerForWallet(walletApp, address, {})).type).toBe("EOA");
  });
});

describe("refusals", () => {
  it("a key that is not the wallet's owner cannot activate it: the node says the wallet did not accept", async () => {
    const someone = privateKeyToAccount(generatePrivateKey());
    const fresh = await chain.deployWallet(owner.address);
    const forged = contractWalletSigner({ wallet: fresh, owner: someone, chainId: chain.chainId });
    const err = await failure(client(forged, "scw-forged"));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toMatch(
      new RegExp(`smart-contract wallet ${fresh.toLowerCase()} did not accept the signature`),
    );
  });

  it("without an RPC for the wallet's chain: refused before any prompt, and peers cannot verify it", async () => {
    const fresh = await chain.deployWallet(owner.address);
    const signer = counted(contractWalletSigner({ wallet: fresh, owner, chainId: chain.chainId }));
    const err = await failure(client(signer, "scw-no-rpc", ""));
    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).code).toBe("scw_unverifiable");
    expect(err.message).toMatch(/no RPC is configured for that chain/);
    expect(signer.count()).toBe(0);

    const erin = await client(newWallet().signer, "scw-erin", "");
    const lookup = await failure(erin.canMessage([wallet]));
    expect((lookup as ClientError).code).toBe("scw_unverifiable");
    expect(lookup.message).toMatch(/no SCW verifier \(RPC\) is configured/);
  });
});
