// Request validation for the MLS API: every rejection names the field.
import { MlsError, readMessageHeader } from "../../lib/mls";
import type { GroupMessageInput, WelcomeMessageInput } from "../../lib/proto/mls/api/v1/mls_pb";
import { WelcomeWrapperAlgorithm } from "../../lib/proto/mls/message_contents/wrapper_encryption_pb";
import type { GroupMessageInsert, WelcomeMessageInsert } from "../store";
import { fromMlsError, invalidArgument } from "./errors";
import { LIMITS } from "./limits";

export function checkBatch(n: number, field: string): void {
  if (n === 0) throw invalidArgument(`${field} is empty: send at least one message`);
  if (n > LIMITS.maxSendBatch)
    throw invalidArgument(`${field} has ${n} entries; at most ${LIMITS.maxSendBatch} per request`);
}

export function checkMessageSize(data: Uint8Array, field: string): void {
  if (data.length === 0) throw invalidArgument(`${field} is empty`);
  if (data.length > LIMITS.maxMessageBytes) {
    throw invalidArgument(
      `${field} is ${data.length} bytes; the limit is ${LIMITS.maxMessageBytes} bytes (send large files as remote attachments)`,
    );
  }
}

export function checkInstallationKey(key: Uint8Array, field: string): void {
  if (key.length !== LIMITS.installationKeyBytes) {
    throw invalidArgument(
      `${field} must be ${LIMITS.installationKeyBytes} bytes (an Ed25519 public key), got ${key.length}`,
    );
  }
}

export function checkGroupId(groupId: Uint8Array, field: string): void {
  if (groupId.length === 0) throw invalidArgument(`${field} is empty`);
  if (groupId.length > LIMITS.maxGroupIdBytes) {
    throw invalidArgument(`${field} is ${groupId.length} bytes; at most ${LIMITS.maxGroupIdBytes}`);
  }
}

export function groupMessageInsert(input: GroupMessageInput, i: number): GroupMessageInsert {
  const field = `messages[${i}]`;
  if (input.version.case !== "v1") throw invalidArgument(`${field}.v1 is missing`);
  const v1 = input.version.value;
  checkMessageSize(v1.data, `${field}.data`);
  if (v1.senderHmac.length > LIMITS.maxSenderHmacBytes) {
    throw invalidArgument(
      `${field}.sender_hmac is ${v1.senderHmac.length} bytes; at most ${LIMITS.maxSenderHmacBytes}`,
    );
  }
  let header;
  try {
    header = readMessageHeader(v1.data);
  } catch (err) {
    if (err instanceof MlsError) throw fromMlsError(err, `${field}.data`);
    throw invalidArgument(
      `${field}.data cannot be read as an MLS message: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (header.wireFormat !== "private" && header.wireFormat !== "public") {
    throw invalidArgument(
      `${field}.data is an MLS ${header.wireFormat} message; only private and public group messages are accepted here (welcomes go through SendWelcomeMessages, key packages through UploadKeyPackage)`,
    );
  }
  checkGroupId(header.groupId, `${field}.data group_id`);
  return {
    groupId: header.groupId,
    data: v1.data,
    senderHmac: v1.senderHmac,
    shouldPush: v1.shouldPush,
    isCommit: header.contentType === "commit",
  };
}

// V1 welcomes: any WelcomeWrapperAlgorithm (our own client leaves it 0). Pointers are
// HPKE-wrapped to the recipient's key package: CURVE25519 or XWING (libxmtp passes the
// recipient's algorithm through WelcomePointerWrapperAlgorithm, an open proto3 enum).
const V1_WRAPPERS = new Set<number>(
  Object.values(WelcomeWrapperAlgorithm).filter((v): v is number => typeof v === "number"),
);
const POINTER_WRAPPERS = new Set<number>([
  WelcomeWrapperAlgorithm.CURVE25519,
  WelcomeWrapperAlgorithm.XWING_MLKEM_768_DRAFT_6,
]);

function checkHpkePublicKey(key: Uint8Array, field: string): void {
  if (key.length === 0) throw invalidArgument(`${field} is empty`);
  if (key.length > LIMITS.maxHpkePublicKeyBytes) {
    throw invalidArgument(
      `${field} is ${key.length} bytes; at most ${LIMITS.maxHpkePublicKeyBytes}`,
    );
  }
}

export function welcomeMessageInsert(input: WelcomeMessageInput, i: number): WelcomeMessageInsert {
  const field = `messages[${i}]`;
  switch (input.version.case) {
    case "v1": {
      const v1 = input.version.value;
      const f = `${field}.v1`;
      checkInstallationKey(v1.installationKey, `${f}.installation_key`);
      checkMessageSize(v1.data, `${f}.data`);
      if (!V1_WRAPPERS.has(v1.wrapperAlgorithm)) {
        throw invalidArgument(
          `${f}.wrapper_algorithm ${v1.wrapperAlgorithm} is not a WelcomeWrapperAlgorithm`,
        );
      }
      // The pointee of a welcome pointer is sealed with a symmetric key the pointers
      // carry: it has no recipient key, and its "installation key" is a random topic.
      if (v1.wrapperAlgorithm === WelcomeWrapperAlgorithm.SYMMETRIC_KEY) {
        if (v1.hpkePublicKey.length > 0) {
          throw invalidArgument(
            `${f}.hpke_public_key must be empty with wrapper_algorithm SYMMETRIC_KEY (the pointee of a welcome pointer)`,
          );
        }
      } else {
        checkHpkePublicKey(v1.hpkePublicKey, `${f}.hpke_public_key`);
      }
      if (v1.welcomeMetadata.length > LIMITS.maxWelcomeMetadataBytes) {
        throw invalidArgument(
          `${f}.welcome_metadata is ${v1.welcomeMetadata.length} bytes; at most ${LIMITS.maxWelcomeMetadataBytes}`,
        );
      }
      return {
        installationKey: v1.installationKey,
        data: v1.data,
        hpkePublicKey: v1.hpkePublicKey,
        wrapperAlgorithm: v1.wrapperAlgorithm,
        welcomeMetadata: v1.welcomeMetadata,
      };
    }
    case "welcomePointer": {
      const p = input.version.value;
      const f = `${field}.welcome_pointer`;
      checkInstallationKey(p.installationKey, `${f}.installation_key`);
      checkMessageSize(p.welcomePointer, `${f}.welcome_pointer`);
      checkHpkePublicKey(p.hpkePublicKey, `${f}.hpke_public_key`);
      if (!POINTER_WRAPPERS.has(p.wrapperAlgorithm)) {
        throw invalidArgument(
          `${f}.wrapper_algorithm ${p.wrapperAlgorithm} cannot wrap a welcome pointer (CURVE25519 = 1 or XWING_MLKEM_768_DRAFT_6 = 2)`,
        );
      }
      return {
        installationKey: p.installationKey,
        data: p.welcomePointer,
        hpkePublicKey: p.hpkePublicKey,
        wrapperAlgorithm: p.wrapperAlgorithm,
        isPointer: true,
      };
    }
    default:
      throw invalidArgument(`${field} has no version (v1 = 1 or welcome_pointer = 2)`);
  }
}
