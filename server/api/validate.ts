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
  };
}

const WRAPPERS = new Set<number>(
  Object.values(WelcomeWrapperAlgorithm).filter((v): v is number => typeof v === "number"),
);

export function welcomeMessageInsert(input: WelcomeMessageInput, i: number): WelcomeMessageInsert {
  const field = `messages[${i}]`;
  if (input.version.case !== "v1") throw invalidArgument(`${field}.v1 is missing`);
  const v1 = input.version.value;
  checkInstallationKey(v1.installationKey, `${field}.installation_key`);
  checkMessageSize(v1.data, `${field}.data`);
  if (v1.hpkePublicKey.length === 0) throw invalidArgument(`${field}.hpke_public_key is empty`);
  if (v1.hpkePublicKey.length > LIMITS.maxHpkePublicKeyBytes) {
    throw invalidArgument(
      `${field}.hpke_public_key is ${v1.hpkePublicKey.length} bytes; at most ${LIMITS.maxHpkePublicKeyBytes}`,
    );
  }
  if (!WRAPPERS.has(v1.wrapperAlgorithm)) {
    throw invalidArgument(
      `${field}.wrapper_algorithm ${v1.wrapperAlgorithm} is not a WelcomeWrapperAlgorithm`,
    );
  }
  return {
    installationKey: v1.installationKey,
    data: v1.data,
    hpkePublicKey: v1.hpkePublicKey,
    wrapperAlgorithm: v1.wrapperAlgorithm,
  };
}
