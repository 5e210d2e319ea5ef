// The identity inside every MLS Basic credential: protobuf MlsCredential{inbox_id}.

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import type { Credential } from "ts-mls";
import { MlsCredentialSchema } from "../proto/identity/credential_pb";
import { equalBytes } from "../crypto";
import { MlsError } from "./errors";

/** Inbox IDs are lowercase hex SHA-256. */
const INBOX_ID = /^[0-9a-f]{64}$/;

export function isInboxId(value: string): boolean {
  return INBOX_ID.test(value);
}

export function credentialForInbox(inboxId: string): Credential {
  if (!isInboxId(inboxId)) {
    throw new MlsError(
      "invalid_argument",
      `inboxId must be 64 lowercase hex characters, got "${inboxId}"`,
    );
  }
  return {
    credentialType: "basic",
    identity: toBinary(MlsCredentialSchema, create(MlsCredentialSchema, { inboxId })),
  };
}

/**
 * Reads the inbox ID out of a credential. Only a Basic credential whose identity is the
 * canonical encoding of MlsCredential with a well-formed inbox ID is accepted.
 */
export function inboxIdFromCredential(credential: Credential): string {
  if (credential.credentialType !== "basic") {
    throw new MlsError(
      "invalid_credential",
      `credential type is ${credential.credentialType}, expected basic`,
    );
  }
  let inboxId: string;
  try {
    inboxId = fromBinary(MlsCredentialSchema, credential.identity).inboxId;
  } catch (err) {
    throw new MlsError(
      "invalid_credential",
      "credential identity is not a protobuf MlsCredential",
      { cause: err },
    );
  }
  if (!isInboxId(inboxId)) {
    throw new MlsError(
      "invalid_credential",
      "credential identity's inbox_id is not 64 lowercase hex characters",
    );
  }
  // Canonical bytes only: the same inbox must never have two credential encodings.
  const canonical = toBinary(MlsCredentialSchema, create(MlsCredentialSchema, { inboxId }));
  if (!equalBytes(canonical, credential.identity)) {
    throw new MlsError(
      "invalid_credential",
      "credential identity is not the canonical MlsCredential encoding",
    );
  }
  return inboxId;
}
