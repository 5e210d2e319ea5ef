// The two wallet flows the client runs. Each asks the wallet for exactly one signature.
import type { IdentityUpdate } from "../proto/identity/associations/association_pb";
import type { Signer } from "../signer";
import { IdentityUpdateBuilder, type ScwSignatureInfo } from "./builder";
import { IdentityError } from "./errors";
import { inboxIdFor, normalizeAddress } from "./inbox-id";

async function signerAddress(signer: Signer): Promise<string> {
  const id = await signer.getIdentifier();
  return normalizeAddress(id.identifier, "signer identifier");
}

/** Where a new SCW signature learns the chain's current block when its signer names none. */
export interface ChainHead {
  blockNumber(chainId: bigint): Promise<bigint>;
}

/**
 * The chain and block an SCW signature is verified at (undefined for an EOA). The block is
 * pinned now (the signer's, else the chain's latest), so every later check of the log —
 * by the node today, by a peer next year after the wallet changed owners — asks the
 * wallet as it was when it signed. Without a chain to ask, 0 = "latest" (see README).
 */
export async function scwSignatureInfo(
  signer: Signer,
  chain?: ChainHead,
): Promise<ScwSignatureInfo | undefined> {
  if (signer.type !== "SCW") return undefined;
  if (!signer.getChainId)
    throw new IdentityError(
      "malformed_update",
      "a smart-contract wallet signer must report its chain ID",
    );
  const chainId = signer.getChainId();
  const pinned = signer.getBlockNumber?.();
  return { chainId, blockNumber: pinned ?? (chain ? await chain.blockNumber(chainId) : 0n) };
}

function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/** Activation: create the inbox and grant this installation in one update, one wallet prompt. */
export async function buildCreateInboxUpdate(args: {
  signer: Signer;
  installation: { privateKey: Uint8Array; publicKey: Uint8Array };
  nonce?: bigint;
  nowNs?: bigint;
  chain?: ChainHead;
}): Promise<{ inboxId: string; update: IdentityUpdate }> {
  const address = await signerAddress(args.signer);
  const nonce = args.nonce ?? 0n;
  const inboxId = inboxIdFor(address, nonce);
  const builder = new IdentityUpdateBuilder(inboxId, args.nowNs ?? nowNs())
    .createInbox(address, nonce)
    .addInstallation(args.installation.publicKey, address);
  const scw = await scwSignatureInfo(args.signer, args.chain);
  const signature = await args.signer.signMessage(builder.signatureText());
  builder.addWalletSignature(address, signature, scw).addInstallationSignature(args.installation);
  return { inboxId, update: builder.build() };
}

/**
 * Revokes installations with the recovery wallet's signature alone, so a user at the
 * installation limit (with no installation of their own yet) can free a slot.
 */
export async function buildRevokeInstallationsUpdate(args: {
  signer: Signer;
  inboxId: string;
  installationKeys: Uint8Array[];
  nowNs?: bigint;
  chain?: ChainHead;
}): Promise<IdentityUpdate> {
  if (args.installationKeys.length === 0) {
    throw new IdentityError(
      "malformed_update",
      "installationKeys must name at least one installation to revoke",
    );
  }
  const address = await signerAddress(args.signer);
  const builder = new IdentityUpdateBuilder(args.inboxId, args.nowNs ?? nowNs());
  for (const key of args.installationKeys) builder.revokeInstallation(key, address);
  const scw = await scwSignatureInfo(args.signer, args.chain);
  const signature = await args.signer.signMessage(builder.signatureText());
  return builder.addWalletSignature(address, signature, scw).build();
}
