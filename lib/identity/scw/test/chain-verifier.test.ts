// SCW signatures checked against a real EVM (ganache, started here) with real wallet
// contracts: ERC-1271 for a deployed wallet, ERC-6492 for one not deployed yet.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Address } from "viem";
import {
  contractWalletSigner,
  generatePrivateKey,
  privateKeyToAccount,
  startDevChain,
  type DevChain,
} from "../../../../test/chain/dev-chain";
import { fromHex } from "../../../crypto/bytes";
import { generateEd25519KeyPair } from "../../../crypto";
import {
  buildCreateInboxUpdate,
  buildRevokeInstallationsUpdate,
  eip191Hash,
  foldIdentityLog,
  holdsInstallation,
  IdentityError,
} from "../..";
import { createChainVerifier, parseChainRpcUrls, type ChainVerifier } from "..";

const TEXT = "XMTP : Authenticate to inbox\n\nInbox ID: test\n";

async function rejection(p: Promise<unknown>): Promise<IdentityError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IdentityError);
  return err as IdentityError;
}

describe("CHAIN_RPC_URLS", () => {
  it("maps chain IDs to URLs", () => {
    const urls = parseChainRpcUrls(" 1=http://a.example , 8453=https://b.example/rpc ", "X");
    expect([...urls]).toEqual([
      [1n, "http://a.example"],
      [8453n, "https://b.example/rpc"],
    ]);
    expect(parseChainRpcUrls(undefined, "X").size).toBe(0);
  });

  it("names the bad entry", () => {
    expect(() => parseChainRpcUrls("base=http://a", "CHAIN_RPC_URLS")).toThrow(
      /CHAIN_RPC_URLS: "base=http:\/\/a" is not <chain id>=<url>/,
    );
    expect(() => parseChainRpcUrls("1=ws://a", "X")).toThrow(/chain 1 must be http/);
    expect(() => parseChainRpcUrls("1=not a url", "X")).toThrow(/chain 1 .* is not a URL/);
    expect(() => parseChainRpcUrls("1=http://a,1=http://b", "X")).toThrow(/chain 1 is named twice/);
  });
});

describe("smart-contract wallet signatures on a real chain", () => {
  let chain: DevChain;
  let verifier: ChainVerifier;
  const owner = privateKeyToAccount(generatePrivateKey());
  const stranger = privateKeyToAccount(generatePrivateKey());
  let wallet: Address;
  const account = (a: Address) => `eip155:${chain.chainId}:${a.toLowerCase()}`;
  const signed = async (who: typeof owner) => fromHex(await who.signMessage({ message: TEXT }));

  beforeAll(async () => {
    chain = await startDevChain();
    verifier = createChainVerifier(new Map([[chain.chainId, chain.url]]));
    wallet = await chain.deployWallet(owner.address);
  }, 60_000);
  afterAll(() => chain?.stop());

  it("a deployed wallet (ERC-1271) accepts its owner's signature and refuses anyone else's", async () => {
    const hash = eip191Hash(TEXT);
    const args = { accountId: account(wallet), blockNumber: 0n, hash };
    expect(await verifier.verify({ ...args, signature: await signed(owner) })).toBe(true);
    expect(await verifier.verify({ ...args, signature: await signed(stranger) })).toBe(false);
    expect(await verifier.verify({ ...args, signature: new Uint8Array(10) })).toBe(false);
  });

  it("a wallet not deployed yet (ERC-6492) is verified through its factory call", async () => {
    const cf = await chain.counterfactualWallet(owner.address);
    const signer = contractWalletSigner({
      wallet: cf.address,
      owner,
      chainId: chain.chainId,
      counterfactual: cf,
    });
    const args = { accountId: account(cf.address), blockNumber: 0n, hash: eip191Hash(TEXT) };
    expect(await verifier.verify({ ...args, signature: await signer.signMessage(TEXT) })).toBe(
      true,
    );
    // Without the wrapper there is no code at the address to ask: not valid.
    expect(await verifier.verify({ ...args, signature: await signed(owner) })).toBe(false);
    const wrongOwner = contractWalletSigner({
      wallet: cf.address,
      owner: stranger,
      chainId: chain.chainId,
      counterfactual: cf,
    });
    expect(await verifier.verify({ ...args, signature: await wrongOwner.signMessage(TEXT) })).toBe(
      false,
    );
  });

  it("checks at the pinned block: a later owner change does not undo an old signature", async () => {
    const first = privateKeyToAccount(generatePrivateKey());
    const second = privateKeyToAccount(generatePrivateKey());
    const w = await chain.deployWallet(first.address);
    const pinned = await chain.blockNumber();
    const signature = await signed(first);
    await chain.setOwner(w, first, second.address);
    const args = { accountId: account(w), hash: eip191Hash(TEXT), signature };
    expect(await verifier.verify({ ...args, blockNumber: pinned })).toBe(true);
    expect(await verifier.verify({ ...args, blockNumber: 0n })).toBe(false);
  });

  it("a chain with no RPC is scw_unverifiable; an RPC that does not answer is chain_unreachable (retryable)", async () => {
    const args = { accountId: `eip155:1:${wallet}`, blockNumber: 0n, hash: eip191Hash(TEXT) };
    const none = await rejection(verifier.verify({ ...args, signature: await signed(owner) }));
    expect(none.code).toBe("scw_unverifiable");
    expect(none.message).toMatch(/no RPC is configured for chain 1/);
    const down = createChainVerifier(new Map([[1n, "http://127.0.0.1:9"]]), { timeoutMs: 2000 });
    const err = await rejection(down.verify({ ...args, signature: await signed(owner) }));
    expect(err.code).toBe("chain_unreachable");
    expect(err.retryable).toBe(true);
  });

  it("an inbox owned by a contract wallet: created, an installation revoked, a forged update refused", async () => {
    const signer = contractWalletSigner({ wallet, owner, chainId: chain.chainId });
    const installation = generateEd25519KeyPair();
    const head = await chain.blockNumber();
    const { update, inboxId } = await buildCreateInboxUpdate({
      signer,
      installation,
      chain: verifier,
    });
    // The signature pins the block it was made at.
    const sig = update.actions[0]!.kind.value as {
      initialIdentifierSignature?: { signature: { value: { blockNumber: bigint } } };
    };
    expect(sig.initialIdentifierSignature?.signature.value.blockNumber).toBe(head);
    const opts = { scwVerifier: (a: Parameters<ChainVerifier["verify"]>[0]) => verifier.verify(a) };
    const state = await foldIdentityLog([update], opts);
    expect(state.recoveryAddress).toBe(wallet.toLowerCase());
    expect(holdsInstallation(state, installation.publicKey)).toBe(true);

    const revoke = await buildRevokeInstallationsUpdate({
      signer,
      inboxId,
      installationKeys: [installation.publicKey],
      chain: verifier,
    });
    const after = await foldIdentityLog([update, revoke], opts);
    expect(holdsInstallation(after, installation.publicKey)).toBe(false);

    const forged = contractWalletSigner({ wallet, owner: stranger, chainId: chain.chainId });
    const bad = await buildRevokeInstallationsUpdate({
      signer: forged,
      inboxId,
      installationKeys: [installation.publicKey],
      chain: verifier,
    });
    const err = await rejection(foldIdentityLog([update, bad], opts));
    expect(err.code).toBe("invalid_signature");
    expect(err.message).toMatch(/did not accept the signature/);
  });
});
