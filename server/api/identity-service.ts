// IdentityApi: the identity log, verified on write.
import { create, toBinary } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  IdentityError,
  applyIdentityUpdate,
  checkClientTimestamp,
  normalizeAddress,
} from "../../lib/identity";
import {
  GetIdentityUpdatesResponseSchema,
  GetInboxIdsResponseSchema,
  IdentityApi,
  PublishIdentityUpdateResponseSchema,
} from "../../lib/proto/identity/api/v1/identity_pb";
import {
  IdentifierKind,
  IdentityUpdateSchema,
} from "../../lib/proto/identity/associations/association_pb";
import { fromBinary } from "@bufbuild/protobuf";
import { nowNs } from "../clock";
import type { Store } from "../store";
import { alreadyExists, fromIdentityError, invalidArgument } from "./errors";
import type { ChainVerifier } from "../../lib/identity/scw";
import { verifySmartContractWalletSignatures } from "../chain/verify-signatures";
import type { IdentityStates } from "./identity-states";
import { LIMITS } from "./limits";

const INBOX_ID_RE = /^[0-9a-f]{64}$/;

export function checkInboxId(inboxId: string, field: string): void {
  if (!INBOX_ID_RE.test(inboxId))
    throw invalidArgument(`${field} must be 64 lowercase hex characters`);
}

function checkCount(n: number, field: string): void {
  if (n > LIMITS.maxLookups)
    throw invalidArgument(`${field} has ${n} entries; at most ${LIMITS.maxLookups} per request`);
}

export function identityService(
  store: Store,
  states: IdentityStates,
  scw?: ChainVerifier,
): ServiceImpl<typeof IdentityApi> {
  return {
    async publishIdentityUpdate(req) {
      const update = req.identityUpdate;
      if (!update) throw invalidArgument("identity_update is missing");
      checkInboxId(update.inboxId, "identity_update.inbox_id");
      if (update.actions.length === 0) throw invalidArgument("identity_update.actions is empty");
      try {
        checkClientTimestamp(update, nowNs());
      } catch (err) {
        if (err instanceof IdentityError) throw fromIdentityError(err, "identity_update");
        throw err;
      }
      const bytes = toBinary(IdentityUpdateSchema, update);
      const result = await store.withInboxLock(update.inboxId, async (tx) => {
        const prev = await states.fold(update.inboxId, await tx.readLog());
        let next;
        try {
          next = await applyIdentityUpdate(prev, update, {
            maxInstallations: LIMITS.maxInstallationsPerInbox,
            maxUpdates: LIMITS.maxIdentityUpdatesPerInbox,
            ...(states.scwVerifier ? { scwVerifier: states.scwVerifier } : {}),
          });
        } catch (err) {
          if (err instanceof IdentityError) throw fromIdentityError(err, "identity_update");
          // A verifier choking on malformed key or signature bytes: still the client's input.
          throw invalidArgument(
            `identity_update cannot be verified: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
        const signatures = [...next.seenSignatures].filter((s) => !prev?.seenSignatures.has(s));
        if ((await tx.seenSignatures(signatures)).length > 0) {
          throw alreadyExists(
            "identity_update: a signature in this update was already used in an accepted update (of any inbox); every signature may be used once",
          );
        }
        const before = prev?.addresses ?? new Map();
        const seq = await tx.append({
          bytes,
          serverTimestampNs: nowNs(),
          addressesAdded: [...next.addresses.keys()].filter((a) => !before.has(a)),
          addressesRemoved: [...before.keys()].filter((a) => !next.addresses.has(a)),
          signatures,
        });
        return { seq, next };
      });
      states.remember(update.inboxId, result.seq, result.next);
      return create(PublishIdentityUpdateResponseSchema, {});
    },

    async getIdentityUpdates(req) {
      checkCount(req.requests.length, "requests");
      const responses = [];
      for (const [i, r] of req.requests.entries()) {
        checkInboxId(r.inboxId, `requests[${i}].inbox_id`);
        const rows = await store.readIdentityLog(r.inboxId, r.sequenceId);
        responses.push({
          inboxId: r.inboxId,
          updates: rows.map((row) => ({
            sequenceId: row.sequenceId,
            serverTimestampNs: row.serverTimestampNs,
            update: fromBinary(IdentityUpdateSchema, row.bytes),
          })),
        });
      }
      return create(GetIdentityUpdatesResponseSchema, { responses });
    },

    verifySmartContractWalletSignatures: (req) => verifySmartContractWalletSignatures(scw, req),

    async getInboxIds(req) {
      checkCount(req.requests.length, "requests");
      const normalized = req.requests.map((r, i) => {
        if (r.identifierKind === IdentifierKind.PASSKEY) return undefined; // no passkey inboxes on this node
        if (
          r.identifierKind !== IdentifierKind.ETHEREUM &&
          r.identifierKind !== IdentifierKind.UNSPECIFIED
        ) {
          throw invalidArgument(
            `requests[${i}].identifier_kind ${r.identifierKind} is not an IdentifierKind`,
          );
        }
        try {
          return normalizeAddress(r.identifier, `requests[${i}].identifier`);
        } catch (err) {
          if (err instanceof IdentityError) throw invalidArgument(err.message);
          throw err;
        }
      });
      const found = await store.inboxIdsForAddresses(
        normalized.filter((a): a is string => a !== undefined),
      );
      return create(GetInboxIdsResponseSchema, {
        responses: req.requests.map((r, i) => {
          const address = normalized[i];
          const inboxId = address === undefined ? undefined : found.get(address);
          return {
            identifier: r.identifier,
            identifierKind: r.identifierKind,
            ...(inboxId ? { inboxId } : {}),
          };
        }),
      });
    },
  };
}
