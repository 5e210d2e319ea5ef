// Authentication against the identity logs AS THE GROUP RECORDED THEM. The group
// membership extension (0xff01) maps each inbox to the sequence id of its log that the
// group last took in; a leaf is valid if the log held its key at THAT entry. Checking
// against the log as it is now would make a member who was offline across "add an
// installation, then revoke it" refuse the add forever and fork (issue 11, item 2).
//
// ts-mls asks for credentials while it processes, before the resulting group context is
// known, so the answer is deferred: every leaf it asks about is accepted provisionally
// and recorded, and `settle` checks them all against the membership of the RESULTING
// context (for an inbox whose entry did not change, its leaves were valid at that entry
// already). The state ts-mls returns is used only after `settle` passed.

import type { AuthenticationService, Credential, Extension } from "ts-mls";
import { toHex } from "../crypto";
import type { AuthService } from "./auth";
import { inboxIdFromCredential } from "./credential";
import { MlsError, describe } from "./errors";
import { hasMutableExtensions, readGroupContext } from "./group-context";
import type { Member } from "./state";

export interface DeferredAuth {
  service: AuthenticationService;
  /** The first leaf ts-mls asked about (for a welcome: the GroupInfo signer, see group.ts). */
  first(): Member | undefined;
  /** A credential that could not even be read, as the error to throw. */
  failure(): MlsError | undefined;
  /** Checks every recorded leaf against the logs at the sequence ids `extensions` record. */
  settle(extensions: Extension[]): Promise<void>;
}

export function deferAuth(auth: AuthService): DeferredAuth {
  const asked = new Map<string, Member>();
  let firstAsked: Member | undefined;
  let unreadable: MlsError | undefined;

  function validateCredential(credential: Credential, key: Uint8Array): Promise<boolean> {
    let inboxId: string;
    try {
      inboxId = inboxIdFromCredential(credential);
    } catch (err) {
      unreadable ??=
        err instanceof MlsError ? err : new MlsError("invalid_credential", describe(err));
      return Promise.resolve(false);
    }
    const member = { inboxId, installationKey: key };
    firstAsked ??= member;
    asked.set(`${inboxId}:${toHex(key)}`, member);
    return Promise.resolve(true);
  }

  async function settle(extensions: Extension[]): Promise<void> {
    // DMs carry no membership extension: their leaves are checked against the log now.
    let membership: Map<string, bigint> | undefined;
    if (hasMutableExtensions(extensions)) {
      try {
        membership = readGroupContext(extensions).membership;
      } catch (err) {
        throw new MlsError("invalid_commit", `group extensions: ${describe(err)}`, { cause: err });
      }
    }
    for (const { inboxId, installationKey } of asked.values()) {
      const sequenceId = membership?.get(inboxId);
      if (membership && sequenceId === undefined)
        throw new MlsError(
          "unauthorized_member",
          `inbox ${inboxId} holds a leaf but the group records no identity log entry for it`,
        );
      let ok: boolean;
      try {
        ok = await auth(inboxId, installationKey, sequenceId);
      } catch (err) {
        // A lookup that could not be made is not a refusal: the caller retries later.
        throw new MlsError(
          "auth_unavailable",
          `identity check for inbox ${inboxId} failed: ${describe(err)}`,
          { retryable: true, cause: err },
        );
      }
      if (!ok)
        throw new MlsError(
          "unauthorized_member",
          `installation ${toHex(installationKey)} is not in the identity log of inbox ${inboxId}` +
            (sequenceId === undefined ? "" : ` as of entry ${sequenceId}`),
        );
    }
  }

  return {
    service: { validateCredential },
    first: () => firstAsked,
    failure: () => unreadable,
    settle,
  };
}
