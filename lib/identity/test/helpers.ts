import { create } from "@bufbuild/protobuf";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { generateEd25519KeyPair, type Ed25519KeyPair } from "../../crypto";
import type { IdentityUpdate } from "../../proto/identity/associations/association_pb";
import { SignatureSchema, type Signature } from "../../proto/identity/associations/signature_pb";
import { signerFromLocalAccount, type Signer } from "../../signer";
import { IdentityError, type IdentityErrorCode } from "../errors";

export interface TestWallet {
  address: string;
  signer: Signer & { calls: string[] };
  sign(text: string): Promise<Uint8Array>;
}

/** A real secp256k1 wallet whose signer records every text it was asked to sign. */
export function newWallet(): TestWallet {
  const account = privateKeyToAccount(generatePrivateKey());
  const inner = signerFromLocalAccount(account);
  const calls: string[] = [];
  const signer = {
    ...inner,
    calls,
    signMessage: (text: string) => {
      calls.push(text);
      return inner.signMessage(text);
    },
  };
  return { address: account.address.toLowerCase(), signer, sign: (t) => inner.signMessage(t) };
}

export function newInstallation(): Ed25519KeyPair {
  return generateEd25519KeyPair();
}

export function erc191(bytes: Uint8Array): Signature {
  return create(SignatureSchema, { signature: { case: "erc191", value: { bytes } } });
}

export async function expectIdentityError(
  p: Promise<unknown> | (() => unknown),
  code: IdentityErrorCode,
): Promise<IdentityError> {
  let err: unknown;
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    err = e;
  }
  if (!(err instanceof IdentityError))
    throw new Error(`expected IdentityError ${code}, got ${String(err)}`);
  if (err.code !== code)
    throw new Error(`expected IdentityError ${code}, got ${err.code}: ${err.message}`);
  return err;
}

let clock = 1_700_000_000_000_000_000n;
/** Distinct, increasing client timestamps so every update's text (and signature) differs. */
export function tick(): bigint {
  clock += 1_000_000_000n;
  return clock;
}

export type { IdentityUpdate };
