// Address → inbox, never on the node's word alone. The node (or anyone on the path to a
// plain-http node) could map a victim's address to an attacker's inbox; only the inbox's
// identity log, folded and signature-checked here, can say the address belongs to it.
import type { NodeClient } from "../api";
import { holdsAddress, IdentityError } from "../identity";
import { ClientError } from "./errors";
import type { IdentityResolver } from "./identity-resolver";

/**
 * Lowercase address → inbox ID for the addresses that have one, each confirmed by the
 * inbox's verified log. Throws ClientError `node_inconsistent` if the node names an
 * inbox whose log does not hold the address (never linked, or since unlinked) or
 * serves a log that does not verify.
 */
export async function verifiedInboxIds(
  api: NodeClient,
  resolver: IdentityResolver,
  addresses: string[],
): Promise<Map<string, string>> {
  const claimed = await api.getInboxIds(addresses);
  const wanted = new Set(addresses.map((a) => a.toLowerCase()));
  const out = new Map<string, string>();
  for (const [address, inboxId] of claimed) if (wanted.has(address)) out.set(address, inboxId);
  if (out.size === 0) return out;
  try {
    await resolver.refreshMany([...new Set(out.values())]);
  } catch (err) {
    if (!(err instanceof IdentityError)) throw err;
    // Not the node's fault: this client cannot check a smart-contract wallet's signature.
    if (err.code === "scw_unverifiable" || err.code === "chain_unreachable")
      throw new ClientError(err.code, err.message, err.retryable, err);
    throw new ClientError(
      "node_inconsistent",
      `the network node served an identity log that does not verify (${err.message}); it may be faulty or compromised`,
      false,
      err,
    );
  }
  for (const [address, inboxId] of out) {
    const state = resolver.cached(inboxId);
    if (!state || !holdsAddress(state, address)) throw mismatch(address);
  }
  return out;
}

function mismatch(address: string): ClientError {
  return new ClientError(
    "node_inconsistent",
    `the network node claims ${address} belongs to an inbox that this address never signed into (or has left); nothing was sent — the node may be faulty or compromised, so don't rely on it for this address`,
  );
}
