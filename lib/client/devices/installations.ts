// The devices of one inbox: list them from the verified identity log, revoke some with a
// wallet signature, and — right after — take the revoked ones out of every conversation.
import { NodeClient } from "../../api";
import { fromHex, toHex } from "../../crypto";
import { buildRevokeInstallationsUpdate, MAX_INSTALLATIONS_PER_INBOX } from "../../identity";
import type { Signer } from "../../signer";
import { listConversations } from "../../storage";
import type { ClientContext } from "../context";
import { ClientError, normalizeAddress } from "../errors";
import { syncGroupInstallations } from "../groups/installations";
import { IdentityResolver } from "../identity-resolver";
import {
  chainVerifierFor,
  checkSignerChain,
  verifyOptionsFor,
  type ChainRpcUrlsOption,
} from "../chain";
import { verifiedInboxIds } from "../inbox-lookup";
import type { ReceiveLog } from "../types";

export interface InstallationInfo {
  /** Hex of the installation's Ed25519 public key. */
  id: string;
  /** When the wallet granted it (the identity update's client time), if known. */
  createdAtNs?: bigint;
  /** This browser's installation. */
  current: boolean;
}

export { MAX_INSTALLATIONS_PER_INBOX };

/** The node to ask, and (for smart-contract wallets) the chains to check signatures on. */
export interface WalletOnlyOptions {
  apiUrl: string;
  fetch?: typeof fetch;
  chainRpcUrls?: ChainRpcUrlsOption;
}

function listOf(
  installations: ReadonlyMap<string, { clientTimestampNs?: bigint }>,
  current?: string,
): InstallationInfo[] {
  return [...installations]
    .map(([id, info]) => ({
      id,
      current: id === current,
      ...(info.clientTimestampNs !== undefined ? { createdAtNs: info.clientTimestampNs } : {}),
    }))
    .sort((a, b) => Number((b.createdAtNs ?? 0n) - (a.createdAtNs ?? 0n)));
}

/** The inbox's installations, newest first, read fresh from the node and verified here. */
export async function installationsOf(ctx: ClientContext): Promise<InstallationInfo[]> {
  const state = await ctx.resolver.refresh(ctx.installation.inboxId);
  return state ? listOf(state.installations, toHex(ctx.installation.publicKey)) : [];
}

/** True once another device revoked this one: it can no longer send or read. */
export async function isRevoked(ctx: ClientContext): Promise<boolean> {
  const state = await ctx.resolver.refresh(ctx.installation.inboxId);
  return state !== undefined && !state.installations.has(toHex(ctx.installation.publicKey));
}

async function checkSigner(signer: Signer, address: string): Promise<void> {
  const who = normalizeAddress((await signer.getIdentifier()).identifier);
  if (who !== address)
    throw new ClientError(
      "identity_mismatch",
      `this inbox belongs to ${address}; the connected wallet is ${who}`,
    );
}

/** Revokes installations (one wallet signature), then removes them from every group now. */
export async function revokeInstallations(
  ctx: ClientContext,
  signer: Signer,
  ids: string[],
  log?: ReceiveLog,
): Promise<void> {
  const own = toHex(ctx.installation.publicKey);
  if (ids.includes(own))
    throw new ClientError(
      "invalid_argument",
      "this is the device you are using: revoke it from another one, or delete its data",
    );
  if (ids.length === 0) return;
  await checkSigner(signer, ctx.address);
  const update = await buildRevokeInstallationsUpdate({
    signer,
    inboxId: ctx.installation.inboxId,
    installationKeys: ids.map((id) => fromHex(id)),
    ...(ctx.chain ? { chain: ctx.chain } : {}),
  });
  await ctx.api.publishIdentityUpdate(update);
  await ctx.resolver.refresh(ctx.installation.inboxId);
  // The revoked devices must stop reading at once, not when someone next sends.
  for (const c of await listConversations(ctx.db))
    await syncGroupInstallations(ctx, c.id, log).catch((err: unknown) =>
      log?.("installation_sync_failed", { groupId: c.id, error: (err as Error).message }),
    );
}

/**
 * For a new device at the installation limit, before it has an installation of its own:
 * the inbox's installations as the node's log says (verified here)…
 */
export async function installationsForAddress(
  address: string,
  opts: WalletOnlyOptions,
): Promise<{ inboxId: string; installations: InstallationInfo[]; limit: number } | undefined> {
  const api = new NodeClient(opts.apiUrl, {}, opts.fetch);
  const a = normalizeAddress(address);
  const resolver = new IdentityResolver(api, verifyOptionsFor(chainVerifierFor(opts.chainRpcUrls)));
  const inboxId = (await verifiedInboxIds(api, resolver, [a])).get(a);
  if (!inboxId) return undefined;
  const state = resolver.cached(inboxId);
  return {
    inboxId,
    installations: state ? listOf(state.installations) : [],
    limit: MAX_INSTALLATIONS_PER_INBOX,
  };
}

/** …and revoking some of them with the wallet's signature alone. */
export async function revokeWithWallet(
  signer: Signer,
  ids: string[],
  opts: WalletOnlyOptions,
): Promise<void> {
  const chain = chainVerifierFor(opts.chainRpcUrls);
  checkSignerChain(signer, chain);
  const address = normalizeAddress((await signer.getIdentifier()).identifier);
  const found = await installationsForAddress(address, opts);
  if (!found) throw new ClientError("no_inbox", `${address} has not activated messaging`);
  const api = new NodeClient(opts.apiUrl, {}, opts.fetch);
  await api.publishIdentityUpdate(
    await buildRevokeInstallationsUpdate({
      signer,
      inboxId: found.inboxId,
      installationKeys: ids.map((id) => fromHex(id)),
      ...(chain ? { chain } : {}),
    }),
  );
}
