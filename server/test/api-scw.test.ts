// Smart-contract wallets on a real node process, against a real EVM (ganache) the test
// starts: identity updates signed through ERC-1271 / ERC-6492 are verified on write
// with CHAIN_RPC_URLS, refused without it, and VerifySmartContractWalletSignatures
// answers as XMTP's node does (Connect and gRPC-web, the XMTP SDK's protocol).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Code } from "@connectrpc/connect";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  contractWalletSigner,
  generatePrivateKey,
  privateKeyToAccount,
  startDevChain,
  type DevChain,
} from "../../test/chain/dev-chain";
import { fromHex } from "../../lib/crypto/bytes";
import {
  buildCreateInboxUpdate,
  buildRevokeInstallationsUpdate,
  eip191Hash,
  IdentityUpdateBuilder,
  scwSignatureInfo,
} from "../../lib/identity";
import type { Signer } from "../../lib/signer";
import { IdentifierKind } from "../../lib/proto/identity/associations/association_pb";
import { ConfigError, loadConfig } from "../config";
import { startNode, type StartedNode } from "./harness";
import { clients, expectConnectError, newInstallation, tick, type Clients } from "./helpers";

let chain: DevChain;
let node: StartedNode;
let bare: StartedNode;
let api: Clients;
let bareApi: Clients;
const owner = privateKeyToAccount(generatePrivateKey());
const stranger = privateKeyToAccount(generatePrivateKey());

beforeAll(async () => {
  chain = await startDevChain();
  [node, bare] = await Promise.all([
    startNode({ env: { CHAIN_RPC_URLS: `${chain.chainId}=${chain.url}` } }),
    startNode({ env: { CHAIN_RPC_URLS: "" } }),
  ]);
  api = clients(node.url);
  bareApi = clients(bare.url);
}, 180_000);
afterAll(async () => {
  await Promise.all([node?.stop(), bare?.stop()]);
  await chain?.stop();
});

async function createInbox(signer: Signer, target: Clients = api) {
  const installation = newInstallation();
  const { inboxId, update } = await buildCreateInboxUpdate({
    signer,
    installation,
    nowNs: tick(),
    chain,
  });
  await target.identity.publishIdentityUpdate({ identityUpdate: update });
  return { inboxId, installation };
}

async function installationsOf(inboxId: string): Promise<number> {
  const res = await api.identity.getIdentityUpdates({ requests: [{ inboxId, sequenceId: 0n }] });
  return res.responses[0]!.updates.length;
}

describe("identity updates signed by a smart-contract wallet", () => {
  it("a deployed wallet (ERC-1271) creates an inbox, adds a second installation and revokes it", async () => {
    const wallet = await chain.deployWallet(owner.address);
    const signer = contractWalletSigner({ wallet, owner, chainId: chain.chainId });
    const { inboxId } = await createInbox(signer);
    const found = await api.identity.getInboxIds({
      requests: [{ identifier: wallet, identifierKind: IdentifierKind.ETHEREUM }],
    });
    expect(found.responses[0]?.inboxId).toBe(inboxId);

    const second = newInstallation();
    const add = new IdentityUpdateBuilder(inboxId, tick()).addInstallation(
      second.publicKey,
      wallet,
    );
    const sig = await signer.signMessage(add.signatureText());
    await api.identity.publishIdentityUpdate({
      identityUpdate: add
        .addWalletSignature(wallet, sig, await scwSignatureInfo(signer, chain))
        .addInstallationSignature(second)
        .build(),
    });
    const revoke = await buildRevokeInstallationsUpdate({
      signer,
      inboxId,
      installationKeys: [second.publicKey],
      nowNs: tick(),
      chain,
    });
    await api.identity.publishIdentityUpdate({ identityUpdate: revoke });
    expect(await installationsOf(inboxId)).toBe(3);
  });

  it("a wallet not deployed yet (ERC-6492) creates an inbox through its factory", async () => {
    const cf = await chain.counterfactualWallet(owner.address);
    const signer = contractWalletSigner({
      wallet: cf.address,
      owner,
      chainId: chain.chainId,
      counterfactual: cf,
    });
    const { inboxId } = await createInbox(signer);
    expect(await installationsOf(inboxId)).toBe(1);
  });

  it("a signature the wallet does not accept is refused, naming the wallet", async () => {
    const wallet = await chain.deployWallet(owner.address);
    const forged = contractWalletSigner({ wallet, owner: stranger, chainId: chain.chainId });
    await expectConnectError(
      createInbox(forged),
      Code.InvalidArgument,
      new RegExp(`smart-contract wallet ${wallet.toLowerCase()} did not accept`),
    );
  });

  it("a chain the node has no RPC for, or a node with none, refuses with a clear reason", async () => {
    const wallet = await chain.deployWallet(owner.address);
    const elsewhere = contractWalletSigner({ wallet, owner, chainId: 8453n, blockNumber: 1n });
    await expectConnectError(
      createInbox(elsewhere),
      Code.FailedPrecondition,
      /no RPC is configured for chain 8453/,
    );
    const signer = contractWalletSigner({ wallet, owner, chainId: chain.chainId });
    await expectConnectError(
      createInbox(signer, bareApi),
      Code.FailedPrecondition,
      /no SCW verifier \(RPC\) is configured/,
    );
  });
});

describe("after a restart", () => {
  it("the node folds a stored SCW log again (at its pinned blocks) and accepts the next update", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "scw-restart-"));
    const env = { CHAIN_RPC_URLS: `${chain.chainId}=${chain.url}` };
    let first: StartedNode | undefined = await startNode({ dataDir, env });
    let second: StartedNode | undefined;
    try {
      const wallet = await chain.deployWallet(owner.address);
      const signer = contractWalletSigner({ wallet, owner, chainId: chain.chainId });
      const { inboxId, installation } = await createInbox(signer, clients(first.url));
      await first.stop();
      first = undefined;
      // A fresh process: no cached states, the log is verified from the store.
      second = await startNode({ dataDir, env });
      const revoke = await buildRevokeInstallationsUpdate({
        signer,
        inboxId,
        installationKeys: [installation.publicKey],
        nowNs: tick(),
        chain,
      });
      await clients(second.url).identity.publishIdentityUpdate({ identityUpdate: revoke });
    } finally {
      await first?.stop();
      await second?.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});

describe("VerifySmartContractWalletSignatures", () => {
  const TEXT = "hello from a contract wallet";

  it("answers per signature, over Connect and gRPC-web, with the block it checked at", async () => {
    const wallet = await chain.deployWallet(owner.address);
    const accountId = `eip155:${chain.chainId}:${wallet.toLowerCase()}`;
    const hash = eip191Hash(TEXT);
    const good = fromHex(await owner.signMessage({ message: TEXT }));
    const bad = fromHex(await stranger.signMessage({ message: TEXT }));
    const head = await chain.blockNumber();
    for (const target of [api, clients(node.url, "grpc-web")]) {
      const res = await target.identity.verifySmartContractWalletSignatures({
        signatures: [
          { accountId, hash, signature: good, blockNumber: head },
          { accountId, hash, signature: bad },
          { accountId: `eip155:1:${wallet}`, hash, signature: good },
          { accountId: "not-caip10", hash, signature: good },
        ],
      });
      const [ok, no, noRpc, malformed] = res.responses;
      expect(ok).toMatchObject({ isValid: true, blockNumber: head });
      expect(no?.isValid).toBe(false);
      expect(no?.error).toBeUndefined();
      expect(no?.blockNumber).toBeGreaterThanOrEqual(head);
      expect(noRpc).toMatchObject({ isValid: false });
      expect(noRpc?.error).toMatch(/signatures\[2\]: no RPC is configured for chain 1/);
      expect(malformed?.error).toMatch(/signatures\[3\].account_id must be a CAIP-10 id/);
    }
  });

  it("says why on a node without CHAIN_RPC_URLS, and caps the batch", async () => {
    const res = await bareApi.identity.verifySmartContractWalletSignatures({
      signatures: [{ accountId: `eip155:1:${owner.address}`, hash: new Uint8Array(32) }],
    });
    expect(res.responses[0]).toMatchObject({ isValid: false });
    expect(res.responses[0]?.error).toMatch(/this node has no CHAIN_RPC_URLS/);
    await expectConnectError(
      api.identity.verifySmartContractWalletSignatures({
        signatures: Array.from({ length: 51 }, () => ({ accountId: "x" })),
      }),
      Code.InvalidArgument,
      /signatures has 51 entries; at most 50/,
    );
  });
});

describe("CHAIN_RPC_URLS", () => {
  const env = (urls: string) => ({ CHAIN_RPC_URLS: urls }) as unknown as NodeJS.ProcessEnv;
  it("a malformed value stops the node with a ConfigError naming the entry", () => {
    expect(() => loadConfig(env("mainnet=https://x"))).toThrow(ConfigError);
    expect(() => loadConfig(env("1=ftp://x"))).toThrow(
      /CHAIN_RPC_URLS: the URL for chain 1 must be http/,
    );
    expect([...loadConfig(env("1=http://a,10=http://b")).chain.rpcUrls.keys()]).toEqual([1n, 10n]);
  });
});
