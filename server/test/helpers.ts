// Shared test helpers: Connect clients for a node URL, real wallets and
// installations, and MLS-framed messages with any group id.
import { createClient, ConnectError, Code, type Client } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { expect } from "vitest";
import { concatBytes, generateEd25519KeyPair, type Ed25519KeyPair } from "../../lib/crypto";
import {
  buildCreateInboxUpdate,
  IdentityUpdateBuilder,
  type AssociationState,
} from "../../lib/identity";
import { IdentityApi } from "../../lib/proto/identity/api/v1/identity_pb";
import type { IdentityUpdate } from "../../lib/proto/identity/associations/association_pb";
import { NodeApi } from "../../lib/proto/messenger/node/v1/node_pb";
import { MlsApi } from "../../lib/proto/mls/api/v1/mls_pb";
import { signerFromLocalAccount, type Signer } from "../../lib/signer";

export interface Clients {
  identity: Client<typeof IdentityApi>;
  mls: Client<typeof MlsApi>;
  node: Client<typeof NodeApi>;
}

export function clients(
  baseUrl: string,
  protocol: "connect" | "connect-json" | "grpc-web" = "connect",
): Clients {
  const transport =
    protocol === "grpc-web"
      ? createGrpcWebTransport({ baseUrl, httpVersion: "1.1" })
      : createConnectTransport({
          baseUrl,
          httpVersion: "1.1",
          useBinaryFormat: protocol === "connect",
        });
  return {
    identity: createClient(IdentityApi, transport),
    mls: createClient(MlsApi, transport),
    node: createClient(NodeApi, transport),
  };
}

export interface TestWallet {
  address: string;
  signer: Signer;
}

export function newWallet(): TestWallet {
  const account = privateKeyToAccount(generatePrivateKey());
  return { address: account.address.toLowerCase(), signer: signerFromLocalAccount(account) };
}

export function newInstallation(): Ed25519KeyPair {
  return generateEd25519KeyPair();
}

let last = 0n;
/**
 * Client timestamps near the node's clock, a whole second apart: the signature text
 * shows seconds, so two updates in one second would otherwise sign the same text.
 */
export function tick(): bigint {
  const now = BigInt(Date.now()) * 1_000_000n;
  last = now > last + 1_000_000_000n ? now : last + 1_000_000_000n;
  return last;
}

/** An update granting `inst` to `inboxId`, signed by the wallet and the installation. */
export async function addInstallationUpdate(
  inboxId: string,
  wallet: TestWallet,
  inst: Ed25519KeyPair,
): Promise<IdentityUpdate> {
  const b = new IdentityUpdateBuilder(inboxId, tick()).addInstallation(
    inst.publicKey,
    wallet.address,
  );
  return b
    .addWalletSignature(wallet.address, await wallet.signer.signMessage(b.signatureText()))
    .addInstallationSignature(inst)
    .build();
}

export type { AssociationState };

export async function expectConnectError(
  p: Promise<unknown>,
  code: Code,
  ...fragments: (string | RegExp)[]
): Promise<ConnectError> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err, "expected the call to be rejected").toBeInstanceOf(ConnectError);
  const ce = err as ConnectError;
  expect(Code[ce.code], ce.rawMessage).toBe(Code[code]);
  for (const f of fragments) expect(ce.rawMessage).toMatch(f);
  return ce;
}

/** MLS <V> length prefix (RFC 9420 §2.1.2 variable-size integer). */
function vlen(n: number): Uint8Array {
  if (n < 64) return Uint8Array.of(n);
  if (n < 16384) return Uint8Array.of(0x40 | (n >> 8), n & 0xff);
  return Uint8Array.of(0x80 | (n >>> 24), (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}
const vec = (b: Uint8Array) => concatBytes(vlen(b.length), b);

/**
 * A well-framed MLSMessage (mls10, PrivateMessage, application) for `groupId` with
 * opaque ciphertext: what the node sees of a real message, cheap to make in bulk.
 */
export function privateMessage(
  groupId: Uint8Array,
  ciphertext: Uint8Array,
  epoch = 1n,
  contentType: "application" | "commit" = "application",
): Uint8Array {
  const epochBytes = new Uint8Array(8);
  new DataView(epochBytes.buffer).setBigUint64(0, epoch);
  return concatBytes(
    Uint8Array.of(0, 1, 0, 2), // version mls10, wire_format mls_private_message
    vec(groupId),
    epochBytes,
    Uint8Array.of(contentType === "commit" ? 3 : 1), // RFC 9420 ContentType
    vec(new Uint8Array()), // authenticated_data
    vec(new Uint8Array(20)), // encrypted_sender_data
    vec(ciphertext),
  );
}

export const utf8 = (s: string) => new TextEncoder().encode(s);

/**
 * The key package the node serves for one installation (empty when none), as a plain
 * Uint8Array: a response over 1 KiB comes gzipped, and gunzip hands out Buffers.
 */
export async function fetchKeyPackage(api: Clients, installationKey: Uint8Array) {
  const res = await api.mls.fetchKeyPackages({ installationKeys: [installationKey] });
  return new Uint8Array(res.keyPackages[0]!.keyPackageTlsSerialized);
}

export function randomGroupId(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(16));
}

/** A fresh wallet whose inbox (with `installation` granted) is published on the node. */
export async function publishNewInbox(
  api: Clients,
  installation: Ed25519KeyPair = newInstallation(),
): Promise<{ wallet: TestWallet; inboxId: string; installation: Ed25519KeyPair }> {
  const wallet = newWallet();
  const { inboxId, update } = await buildCreateInboxUpdate({
    signer: wallet.signer,
    installation,
    nowNs: tick(),
  });
  await api.identity.publishIdentityUpdate({ identityUpdate: update });
  return { wallet, inboxId, installation };
}
