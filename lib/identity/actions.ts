// Applying one action of an update to a working copy of the state, with XMTP's
// association rules (libxmtp xmtp_id associations/association_log.rs).
import type { IdentityAction } from "../proto/identity/associations/association_pb";
import type { Signature } from "../proto/identity/associations/signature_pb";
import { IdentityError } from "./errors";
import { inboxIdFor, normalizeAddress } from "./inbox-id";
import { describeMember, memberRef, type MemberRef } from "./members";
import { checkEthereumKind } from "./signature-text";
import type { MemberInfo } from "./state";
import { verifySignature, type VerifiedSignature, type VerifyOptions } from "./verify";

/** Working copy of a state while one update's actions are applied. */
export interface Draft {
  inboxId: string;
  recoveryAddress: string;
  addresses: Map<string, MemberInfo>;
  installations: Map<string, MemberInfo>;
}

export interface Ctx {
  text: string;
  opts: VerifyOptions;
  seen: ReadonlySet<string>;
  fingerprints: string[];
  timestampNs: bigint;
  cache: Map<Signature, VerifiedSignature>;
}

async function verified(
  ctx: Ctx,
  sig: Signature | undefined,
  field: string,
): Promise<VerifiedSignature> {
  const hit = sig && ctx.cache.get(sig);
  const v = hit ?? (await verifySignature(sig, ctx.text, field, ctx.opts));
  if (sig && !hit) ctx.cache.set(sig, v);
  for (const fp of v.fingerprints) {
    if (ctx.seen.has(fp)) {
      throw new IdentityError(
        "replayed_signature",
        `${field} was already used in an earlier update of this inbox; every signature may be used once`,
      );
    }
  }
  ctx.fingerprints.push(...v.fingerprints);
  return v;
}

function isMember(d: Draft, ref: MemberRef): boolean {
  return ref.kind === "address" ? d.addresses.has(ref.key) : d.installations.has(ref.key);
}

function sameMember(a: MemberRef, b: MemberRef): boolean {
  return a.kind === b.kind && a.key === b.key;
}

export async function applyAction(
  d: Draft | undefined,
  action: IdentityAction,
  i: number,
  ctx: Ctx,
): Promise<Draft> {
  const k = action.kind;
  const at = `actions[${i}]`;
  if (k.case === "createInbox") {
    if (d)
      throw new IdentityError(
        "multiple_create_inbox",
        "an inbox can be created only once: CreateInbox may appear only as the log's first action",
      );
    checkEthereumKind(k.value.initialIdentifierKind, `${at}.create_inbox.initial_identifier_kind`);
    const address = normalizeAddress(
      k.value.initialIdentifier,
      `${at}.create_inbox.initial_identifier`,
    );
    const sig = await verified(
      ctx,
      k.value.initialIdentifierSignature,
      `${at}.create_inbox.initial_identifier_signature`,
    );
    if (!sameMember(sig.signer, { kind: "address", key: address })) {
      throw new IdentityError(
        "wrong_signer",
        "CreateInbox must be signed by its initial address",
        `${at}: signed by ${describeMember(sig.signer)}, expected ${address}`,
      );
    }
    return {
      inboxId: inboxIdFor(address, k.value.nonce),
      recoveryAddress: address,
      addresses: new Map([[address, {}]]),
      installations: new Map(),
    };
  }
  if (!d)
    throw new IdentityError(
      "not_create_inbox_first",
      "the first action of an inbox's first update must be CreateInbox",
      `${at} is ${k.case ?? "empty"}`,
    );

  switch (k.case) {
    case "add": {
      const newMember = memberRef(k.value.newMemberIdentifier, `${at}.add.new_member_identifier`);
      const newSig = await verified(
        ctx,
        k.value.newMemberSignature,
        `${at}.add.new_member_signature`,
      );
      if (!sameMember(newSig.signer, newMember)) {
        throw new IdentityError(
          "wrong_signer",
          "AddAssociation needs the new member's own signature",
          `${at}: signed by ${describeMember(newSig.signer)}, new member is ${describeMember(newMember)}`,
        );
      }
      const existing = await verified(
        ctx,
        k.value.existingMemberSignature,
        `${at}.add.existing_member_signature`,
      );
      if (sameMember(existing.signer, newMember)) {
        throw new IdentityError(
          "wrong_signer",
          "AddAssociation needs a signature from an existing member other than the new member",
          `${at}: ${describeMember(newMember)} signed for itself`,
        );
      }
      const isRecovery =
        existing.signer.kind === "address" && existing.signer.key === d.recoveryAddress;
      if (!isMember(d, existing.signer) && !isRecovery) {
        throw new IdentityError(
          "unknown_member",
          "AddAssociation must be approved by a current member of the inbox or its recovery address",
          `${at}: ${describeMember(existing.signer)} is not a member`,
        );
      }
      if (existing.signer.kind === "installation" && newMember.kind === "installation") {
        throw new IdentityError(
          "installation_cannot_add_installation",
          "an installation may not add another installation; a wallet must approve new apps",
          at,
        );
      }
      if (isMember(d, newMember)) {
        throw new IdentityError(
          "already_member",
          "AddAssociation may not add a current member again",
          `${at}: ${describeMember(newMember)}`,
        );
      }
      const info: MemberInfo = { addedBy: existing.signer.key, clientTimestampNs: ctx.timestampNs };
      (newMember.kind === "address" ? d.addresses : d.installations).set(newMember.key, info);
      return d;
    }
    case "revoke": {
      const target = memberRef(k.value.memberToRevoke, `${at}.revoke.member_to_revoke`);
      const sig = await verified(
        ctx,
        k.value.recoveryIdentifierSignature,
        `${at}.revoke.recovery_identifier_signature`,
      );
      if (!sameMember(sig.signer, { kind: "address", key: d.recoveryAddress })) {
        throw new IdentityError(
          "wrong_signer",
          "RevokeAssociation must be signed by the inbox's recovery address",
          `${at}: signed by ${describeMember(sig.signer)}, recovery address is ${d.recoveryAddress}`,
        );
      }
      // Revoking an absent member is a no-op, as in libxmtp (revocation is idempotent).
      if (target.kind === "address") {
        d.addresses.delete(target.key);
        // A wallet's installations go with it.
        for (const [key, info] of [...d.installations])
          if (info.addedBy === target.key) d.installations.delete(key);
      } else {
        d.installations.delete(target.key);
      }
      return d;
    }
    case "changeRecoveryAddress": {
      checkEthereumKind(
        k.value.newRecoveryIdentifierKind,
        `${at}.change_recovery_address.new_recovery_identifier_kind`,
      );
      const next = normalizeAddress(
        k.value.newRecoveryIdentifier,
        `${at}.change_recovery_address.new_recovery_identifier`,
      );
      const sig = await verified(
        ctx,
        k.value.existingRecoveryIdentifierSignature,
        `${at}.change_recovery_address.existing_recovery_identifier_signature`,
      );
      if (!sameMember(sig.signer, { kind: "address", key: d.recoveryAddress })) {
        throw new IdentityError(
          "wrong_signer",
          "ChangeRecoveryAddress must be signed by the current recovery address",
          `${at}: signed by ${describeMember(sig.signer)}, recovery address is ${d.recoveryAddress}`,
        );
      }
      d.recoveryAddress = next;
      return d;
    }
    default:
      throw new IdentityError(
        "malformed_update",
        `${at} must carry one of the four identity actions`,
      );
  }
}
