import type { NodeClient } from "../../api";
import { generateEd25519KeyPair } from "../../crypto";
import {
  buildCreateInboxUpdate,
  IdentityUpdateBuilder,
  scwSignatureInfo,
  inboxIdFor,
  MAX_INSTALLATIONS_PER_INBOX,
} from "../../identity";
import type { IdentityUpdate } from "../../proto/identity/associations/association_pb";
import type { Signer } from "../../signer";
import {
  loadIdentity,
  saveIdentity,
  setRegistered,
  type Identity,
  type MessengerDb,
} from "../../storage";
import { ClientError, normalizeAddress } from "../errors";
import { IdentityResolver } from "../identity-resolver";
import { verifyOptionsFor } from "../chain";
import type { ChainVerifier } from "../../identity/scw";
import { verifiedInboxIds } from "../inbox-lookup";

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

/**
 * This browser profile's installation of the wallet's inbox. Reuses the stored one
 * (no signature); otherwise makes a key, SAVES it before asking the wallet (a crash
 * must not strand a registered key), and registers it with ONE wallet signature:
 * create-inbox + grant for a new inbox, or grant alone for an existing one.
 */
export async function loadOrRegisterInstallation(
  db: MessengerDb,
  api: NodeClient,
  signer: Signer,
  chain?: ChainVerifier,
): Promise<Identity> {
  const address = normalizeAddress((await signer.getIdentifier()).identifier);
  const stored = await loadIdentity(db);
  if (stored && stored.address !== address) {
    throw new ClientError(
      "identity_mismatch",
      `this database belongs to ${stored.address}, not ${address}: open it with that wallet or use another dbName`,
    );
  }
  if (stored?.registered) return stored;

  const resolver = new IdentityResolver(api, verifyOptionsFor(chain));
  const existingInbox = (await verifiedInboxIds(api, resolver, [address])).get(address);
  if (existingInbox) {
    // Full: say so before asking the wallet for a signature the node would refuse.
    const state = resolver.cached(existingInbox);
    if (state && state.installations.size >= MAX_INSTALLATIONS_PER_INBOX)
      throw new ClientError(
        "installation_limit",
        `${address} already has ${state.installations.size} installations, the most an inbox may hold (${MAX_INSTALLATIONS_PER_INBOX}): revoke one to use this browser`,
      );
  }
  const keys = stored
    ? { publicKey: stored.installationPublicKey, privateKey: stored.installationPrivateKey }
    : generateEd25519KeyPair();
  const inboxId = existingInbox ?? inboxIdFor(address);
  const identity: Identity = {
    inboxId,
    address,
    installationPublicKey: keys.publicKey,
    installationPrivateKey: keys.privateKey,
    createdAtNs: stored?.createdAtNs ?? nowNs(),
    registered: false,
  };
  await saveIdentity(db, identity);

  let update: IdentityUpdate;
  if (existingInbox) {
    const builder = new IdentityUpdateBuilder(existingInbox, nowNs()).addInstallation(
      keys.publicKey,
      address,
    );
    const scw = await scwSignatureInfo(signer, chain);
    const signature = await signer.signMessage(builder.signatureText());
    update = builder
      .addWalletSignature(address, signature, scw)
      .addInstallationSignature(keys)
      .build();
  } else {
    update = (
      await buildCreateInboxUpdate({ signer, installation: keys, ...(chain ? { chain } : {}) })
    ).update;
  }
  await api.publishIdentityUpdate(update);
  await setRegistered(db, true);
  return { ...identity, registered: true };
}
