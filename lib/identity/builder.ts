// Building an identity update: collect actions, compute the one text, then attach
// each signer's signature to every slot that signer must fill. A wallet signs once
// per update however many actions need it (create inbox + grant app = one prompt).
import { clone, create } from "@bufbuild/protobuf";
import { ed25519PublicKey, ed25519phSign, equalBytes, utf8 } from "../crypto";
import {
  IdentifierKind,
  IdentityActionSchema,
  IdentityUpdateSchema,
  MemberIdentifierSchema,
  type IdentityAction,
  type IdentityUpdate,
} from "../proto/identity/associations/association_pb";
import { SignatureSchema, type Signature } from "../proto/identity/associations/signature_pb";
import { IdentityError } from "./errors";
import { normalizeAddress } from "./inbox-id";
import { installationKeyHex } from "./members";
import { signatureText } from "./signature-text";
import { INSTALLATION_SIGNATURE_CONTEXT } from "./verify";

/** Who must fill a slot: an address, an installation key hex, or "whoever is the recovery address". */
type Need =
  | { kind: "address"; key: string }
  | { kind: "installation"; key: string }
  | { kind: "recovery"; key?: string };

interface Slot {
  action: number;
  field: string;
  need: Need;
  set: (sig: Signature) => void;
  filled: boolean;
}

export interface ScwSignatureInfo {
  chainId: bigint;
  /** Block to verify at; 0 means "latest" to this network's verifier. */
  blockNumber?: bigint;
}

export class IdentityUpdateBuilder {
  private readonly actions: IdentityAction[] = [];
  private readonly slots: Slot[] = [];
  private signed = false;

  constructor(
    private readonly inboxId: string,
    private readonly clientTimestampNs: bigint = BigInt(Date.now()) * 1_000_000n,
  ) {}

  private push(
    action: IdentityAction,
    needs: { field: string; need: Need; set: (s: Signature) => void }[],
  ): this {
    if (this.signed)
      throw new IdentityError(
        "malformed_update",
        "actions cannot be added after signing: the signed text would no longer match",
      );
    const index = this.actions.push(action) - 1;
    for (const n of needs) this.slots.push({ action: index, ...n, filled: false });
    return this;
  }

  createInbox(address: string, nonce: bigint = 0n): this {
    const addr = normalizeAddress(address);
    const value = {
      initialIdentifier: addr,
      nonce,
      initialIdentifierKind: IdentifierKind.ETHEREUM,
    };
    const action = create(IdentityActionSchema, { kind: { case: "createInbox", value } });
    const v = action.kind.value as { initialIdentifierSignature?: Signature };
    return this.push(action, [
      {
        field: "initial_identifier_signature",
        need: { kind: "address", key: addr },
        set: (s) => (v.initialIdentifierSignature = s),
      },
    ]);
  }

  addInstallation(installationPublicKey: Uint8Array, existingMemberAddress: string): this {
    const key = installationKeyHex(installationPublicKey);
    const existing = normalizeAddress(existingMemberAddress, "existingMemberAddress");
    const newMemberIdentifier = create(MemberIdentifierSchema, {
      kind: { case: "installationPublicKey", value: installationPublicKey.slice() },
    });
    return this.pushAdd(newMemberIdentifier, { kind: "installation", key }, existing);
  }

  addWallet(newAddress: string, existingMemberAddress: string): this {
    const addr = normalizeAddress(newAddress, "newAddress");
    const existing = normalizeAddress(existingMemberAddress, "existingMemberAddress");
    const newMemberIdentifier = create(MemberIdentifierSchema, {
      kind: { case: "ethereumAddress", value: addr },
    });
    return this.pushAdd(newMemberIdentifier, { kind: "address", key: addr }, existing);
  }

  private pushAdd(
    newMemberIdentifier: ReturnType<typeof create<typeof MemberIdentifierSchema>>,
    newNeed: Need,
    existing: string,
  ): this {
    const action = create(IdentityActionSchema, {
      kind: { case: "add", value: { newMemberIdentifier } },
    });
    const v = action.kind.value as {
      newMemberSignature?: Signature;
      existingMemberSignature?: Signature;
    };
    return this.push(action, [
      { field: "new_member_signature", need: newNeed, set: (s) => (v.newMemberSignature = s) },
      {
        field: "existing_member_signature",
        need: { kind: "address", key: existing },
        set: (s) => (v.existingMemberSignature = s),
      },
    ]);
  }

  /** `recoveryAddress` names the signer; without it the first wallet signature added fills the slot. */
  revokeInstallation(installationPublicKey: Uint8Array, recoveryAddress?: string): this {
    installationKeyHex(installationPublicKey);
    const id = create(MemberIdentifierSchema, {
      kind: { case: "installationPublicKey", value: installationPublicKey.slice() },
    });
    return this.pushRevoke(id, recoveryAddress);
  }

  revokeWallet(address: string, recoveryAddress?: string): this {
    const id = create(MemberIdentifierSchema, {
      kind: { case: "ethereumAddress", value: normalizeAddress(address) },
    });
    return this.pushRevoke(id, recoveryAddress);
  }

  private pushRevoke(
    memberToRevoke: ReturnType<typeof create<typeof MemberIdentifierSchema>>,
    recoveryAddress?: string,
  ): this {
    const action = create(IdentityActionSchema, {
      kind: { case: "revoke", value: { memberToRevoke } },
    });
    const v = action.kind.value as { recoveryIdentifierSignature?: Signature };
    return this.push(action, [
      {
        field: "recovery_identifier_signature",
        need: recoveryNeed(recoveryAddress),
        set: (s) => (v.recoveryIdentifierSignature = s),
      },
    ]);
  }

  changeRecoveryAddress(newAddress: string, currentRecoveryAddress?: string): this {
    const value = {
      newRecoveryIdentifier: normalizeAddress(newAddress, "newAddress"),
      newRecoveryIdentifierKind: IdentifierKind.ETHEREUM,
    };
    const action = create(IdentityActionSchema, { kind: { case: "changeRecoveryAddress", value } });
    const v = action.kind.value as { existingRecoveryIdentifierSignature?: Signature };
    return this.push(action, [
      {
        field: "existing_recovery_identifier_signature",
        need: recoveryNeed(currentRecoveryAddress),
        set: (s) => (v.existingRecoveryIdentifierSignature = s),
      },
    ]);
  }

  signatureText(): string {
    return signatureText(this.snapshot());
  }

  /** Attaches a wallet's signature of signatureText() to every action that needs that address (or the recovery address, if unnamed). */
  addWalletSignature(address: string, signature: Uint8Array, scw?: ScwSignatureInfo): this {
    const addr = normalizeAddress(address);
    if (!scw && signature.length !== 65) {
      throw new IdentityError(
        "invalid_signature",
        "a wallet signature must be 65 bytes r||s||v",
        `got ${signature.length} for ${addr}`,
      );
    }
    const sig = scw
      ? create(SignatureSchema, {
          signature: {
            case: "erc6492",
            value: {
              accountId: `eip155:${scw.chainId}:${addr}`,
              blockNumber: scw.blockNumber ?? 0n,
              signature: signature.slice(),
            },
          },
        })
      : create(SignatureSchema, {
          signature: { case: "erc191", value: { bytes: signature.slice() } },
        });
    const n = this.fill(
      (need) =>
        (need.kind === "address" || need.kind === "recovery") &&
        (need.key === undefined || need.key === addr),
      sig,
    );
    if (n === 0)
      throw new IdentityError(
        "malformed_update",
        `no action in this update needs a signature from ${addr}`,
      );
    return this;
  }

  /** Signs signatureText() with Ed25519ph (context "IDENTITY UPDATE SIGNATURE") and attaches it where this installation must sign. */
  addInstallationSignature(keyPair: { privateKey: Uint8Array; publicKey: Uint8Array }): this {
    const key = installationKeyHex(keyPair.publicKey);
    if (!equalBytes(ed25519PublicKey(keyPair.privateKey), keyPair.publicKey)) {
      throw new IdentityError(
        "malformed_update",
        "the installation private key does not match its public key",
      );
    }
    const bytes = ed25519phSign(
      utf8(this.signatureText()),
      keyPair.privateKey,
      INSTALLATION_SIGNATURE_CONTEXT,
    );
    const sig = create(SignatureSchema, {
      signature: {
        case: "installationKey",
        value: { bytes, publicKey: keyPair.publicKey.slice() },
      },
    });
    const n = this.fill((need) => need.kind === "installation" && need.key === key, sig);
    if (n === 0)
      throw new IdentityError(
        "malformed_update",
        `no action in this update needs a signature from installation ${key}`,
      );
    return this;
  }

  private fill(match: (need: Need) => boolean, sig: Signature): number {
    let n = 0;
    for (const slot of this.slots) {
      if (!slot.filled && match(slot.need)) {
        slot.set(sig);
        slot.filled = true;
        n++;
      }
    }
    this.signed = true;
    return n;
  }

  build(): IdentityUpdate {
    const missing = this.slots.find((s) => !s.filled);
    if (missing) {
      const who =
        missing.need.kind === "recovery"
          ? `the recovery address${missing.need.key ? ` ${missing.need.key}` : ""}`
          : `${missing.need.kind} ${missing.need.key}`;
      const kind = this.actions[missing.action]!.kind.case;
      throw new IdentityError(
        "missing_signature",
        `every action must carry all its signatures before the update is built`,
        `actions[${missing.action}] (${kind}) lacks ${missing.field} from ${who}`,
      );
    }
    return clone(IdentityUpdateSchema, this.snapshot());
  }

  private snapshot(): IdentityUpdate {
    if (this.actions.length === 0)
      throw new IdentityError(
        "malformed_update",
        "an identity update must contain at least one action",
      );
    return create(IdentityUpdateSchema, {
      inboxId: this.inboxId,
      clientTimestampNs: this.clientTimestampNs,
      actions: this.actions,
    });
  }
}

function recoveryNeed(address?: string): Need {
  return address === undefined
    ? { kind: "recovery" }
    : { kind: "recovery", key: normalizeAddress(address, "recoveryAddress") };
}
