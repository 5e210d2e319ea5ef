// Authentication: a credential is accepted only if the inbox's verified identity log
// holds the installation key. Adapts the caller's AuthService to ts-mls and remembers
// what it refused, so a ts-mls "Could not validate credential" becomes a named error.

import type { AuthenticationService, Credential } from "ts-mls";
import { toHex } from "../crypto";
import { inboxIdFromCredential } from "./credential";
import { MlsError, describe } from "./errors";

/**
 * Whether the inbox's identity log holds the installation key — as of log entry
 * `sequenceId` when given (what a group's membership extension records), else now.
 */
export type AuthService = (
  inboxId: string,
  installationKey: Uint8Array,
  sequenceId?: bigint,
) => Promise<boolean>;

export interface AuthTracker {
  service: AuthenticationService;
  /** Checks one leaf through the same cache; throws the MlsError a refusal maps to. */
  require(credential: Credential, installationKey: Uint8Array): Promise<string>;
  /** The first refusal seen, as an error to throw, or undefined. */
  failure(): MlsError | undefined;
}

export function trackAuth(auth: AuthService): AuthTracker {
  const cache = new Map<string, Promise<boolean>>();
  let first: MlsError | undefined;

  async function check(credential: Credential, key: Uint8Array): Promise<boolean> {
    let inboxId: string;
    try {
      inboxId = inboxIdFromCredential(credential);
    } catch (err) {
      first ??= err instanceof MlsError ? err : new MlsError("invalid_credential", describe(err));
      return false;
    }
    const cacheKey = `${inboxId}:${toHex(key)}`;
    let answer = cache.get(cacheKey);
    if (answer === undefined) {
      answer = auth(inboxId, key).catch((err: unknown) => {
        // A lookup that could not be made is not a refusal: let the caller retry later.
        first ??= new MlsError(
          "auth_unavailable",
          `identity check for inbox ${inboxId} failed: ${describe(err)}`,
          {
            retryable: true,
            cause: err,
          },
        );
        return false;
      });
      cache.set(cacheKey, answer);
    }
    const ok = await answer;
    if (!ok) {
      first ??= new MlsError(
        "unauthorized_member",
        `installation ${toHex(key)} is not in the identity log of inbox ${inboxId}`,
      );
    }
    return ok;
  }

  return {
    service: { validateCredential: check },
    async require(credential, key) {
      if (!(await check(credential, key))) throw first!;
      return inboxIdFromCredential(credential);
    },
    failure: () => first,
  };
}

/** Stored states carry this: anything that needs authentication without a caller's service fails closed. */
export const refuseAll: AuthenticationService = {
  validateCredential: () => Promise.resolve(false),
};
