// The network's one ciphersuite, loaded once. The noble provider hashes and MACs with
// @noble/hashes instead of re-importing a WebCrypto key per HMAC (2-4x faster commits).

import { getCiphersuiteFromName, getCiphersuiteImpl, nobleCryptoProvider } from "ts-mls";
import type { CiphersuiteImpl } from "ts-mls";
import { CIPHERSUITE_NAME } from "./constants";

let suite: Promise<CiphersuiteImpl> | undefined;

export function cipherSuite(): Promise<CiphersuiteImpl> {
  suite ??= getCiphersuiteImpl(getCiphersuiteFromName(CIPHERSUITE_NAME), nobleCryptoProvider).catch(
    (err: unknown) => {
      suite = undefined; // let a later call retry a failed lazy import
      throw err;
    },
  );
  return suite;
}
