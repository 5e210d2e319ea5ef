// Row normalisation: PGlite returns int8 as number or bigint, pg as string;
// pg returns bytea as Buffer. Everything leaves the store as bigint / Uint8Array.

export function toBigInt(v: unknown, field: string): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  if (typeof v === "string" && /^-?\d+$/.test(v)) return BigInt(v);
  throw new TypeError(`${field}: expected an int8 value, got ${typeof v}`);
}

export function toBytes(v: unknown, field: string): Uint8Array {
  if (v instanceof Uint8Array) {
    // Buffer is a Uint8Array subclass; hand out a plain view so callers see one type.
    return Object.getPrototypeOf(v) === Uint8Array.prototype
      ? v
      : new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  }
  throw new TypeError(`${field}: expected bytea, got ${typeof v}`);
}

export interface GroupMessageRow {
  id: bigint;
  createdNs: bigint;
  groupId: Uint8Array;
  data: Uint8Array;
  senderHmac: Uint8Array;
  shouldPush: boolean;
  isCommit: boolean;
  /**
   * Set on rows a send just stored: whether any installation asked for pushes from the
   * group at that moment (checked in the insert statement, so a send to a group nobody
   * wants pushes from costs no lookup). Absent on rows read back.
   */
  hasPushTopics?: boolean;
}

export interface WelcomeMessageRow {
  id: bigint;
  createdNs: bigint;
  installationKey: Uint8Array;
  data: Uint8Array;
  hpkePublicKey: Uint8Array;
  wrapperAlgorithm: number;
  isPointer: boolean;
  welcomeMetadata: Uint8Array;
}

export interface IdentityUpdateRow {
  sequenceId: bigint;
  inboxId: string;
  serverTimestampNs: bigint;
  bytes: Uint8Array;
}

export function groupRow(r: Record<string, unknown>): GroupMessageRow {
  return {
    id: toBigInt(r.id, "id"),
    createdNs: toBigInt(r.created_ns, "created_ns"),
    groupId: toBytes(r.group_id, "group_id"),
    data: toBytes(r.data, "data"),
    senderHmac: toBytes(r.sender_hmac, "sender_hmac"),
    shouldPush: r.should_push === true,
    isCommit: r.is_commit === true,
    ...(r.push === undefined ? {} : { hasPushTopics: r.push === true }),
  };
}

export function welcomeRow(r: Record<string, unknown>): WelcomeMessageRow {
  return {
    id: toBigInt(r.id, "id"),
    createdNs: toBigInt(r.created_ns, "created_ns"),
    installationKey: toBytes(r.installation_key, "installation_key"),
    data: toBytes(r.data, "data"),
    hpkePublicKey: toBytes(r.hpke_public_key, "hpke_public_key"),
    wrapperAlgorithm: Number(r.wrapper_algorithm),
    isPointer: r.is_pointer === true,
    welcomeMetadata: toBytes(r.welcome_metadata, "welcome_metadata"),
  };
}

export function identityRow(r: Record<string, unknown>): IdentityUpdateRow {
  return {
    sequenceId: toBigInt(r.sequence_id, "sequence_id"),
    inboxId: String(r.inbox_id),
    serverTimestampNs: toBigInt(r.server_timestamp_ns, "server_timestamp_ns"),
    bytes: toBytes(r.bytes, "bytes"),
  };
}
