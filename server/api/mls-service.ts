// MlsApi: ordered per-group logs, per-installation welcome inboxes, key packages.
import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { fromHex, toHex } from "../../lib/crypto";
import { holdsInstallation } from "../../lib/identity";
import { MlsError, parseKeyPackage } from "../../lib/mls";
import {
  FetchKeyPackagesResponseSchema,
  GetNewestGroupMessageResponseSchema,
  GroupMessageSchema,
  MlsApi,
  QueryGroupMessagesResponseSchema,
  QueryWelcomeMessagesResponseSchema,
  WelcomeMessageSchema,
} from "../../lib/proto/mls/api/v1/mls_pb";
import {
  groupTopic,
  welcomeTopic,
  type GroupMessageRow,
  type Store,
  type WelcomeMessageRow,
} from "../store";
import type { StreamEngine, StreamItem, TopicFilter } from "../stream/engine";
import { fastStream } from "../stream/fast-path";
import { FrameCache, frameOf } from "../stream/frames";
import { commitLogService } from "./commit-log-service";
import { groupMessage, welcomeMessage } from "./convert";
import { failedPrecondition, fromMlsError, invalidArgument } from "./errors";
import type { IdentityStates } from "./identity-states";
import { LIMITS } from "./limits";
import { pageFrom, pagingInfoFor } from "./paging";
import type { StreamGuard } from "./stream-guard";
import { chargedWrite } from "./write-charge";
import {
  checkBatch,
  checkGroupId,
  checkInstallationKey,
  groupMessageInsert,
  welcomeMessageInsert,
} from "./validate";

// XMTP's streams: one frame per row for all their subscribers (stream/frames.ts).
const groupFrames = new FrameCache((row: GroupMessageRow) =>
  frameOf(GroupMessageSchema, groupMessage(row)),
);
const welcomeFrames = new FrameCache((row: WelcomeMessageRow) =>
  frameOf(WelcomeMessageSchema, welcomeMessage(row)),
);
const groupOutput = {
  message: (item: StreamItem) => (item.kind === "group" ? groupMessage(item.row) : undefined),
  frame: (item: StreamItem) => (item.kind === "group" ? groupFrames.get(item.row) : undefined),
};
const welcomeOutput = {
  message: (item: StreamItem) => (item.kind === "welcome" ? welcomeMessage(item.row) : undefined),
  frame: (item: StreamItem) => (item.kind === "welcome" ? welcomeFrames.get(item.row) : undefined),
};

/** A key package may start at most this far ahead, so a skewed clock cannot wedge later uploads. */
const MAX_NOT_BEFORE_AHEAD_S = 86_400n;

export function mlsService(
  store: Store,
  states: IdentityStates,
  engine: StreamEngine,
  guard: StreamGuard,
  /** Told about every stored group message (Web Push); must return at once. */
  onGroupMessagesStored: (rows: GroupMessageRow[]) => void = () => undefined,
): ServiceImpl<typeof MlsApi> {
  /** Hex keys of the stored key packages whose inbox's log grants that installation now. */
  async function grantedInstallations(
    found: Map<string, { inboxId: string; keyPackage: Uint8Array }>,
  ): Promise<Set<string>> {
    const byInbox = new Map<string, string[]>();
    for (const [hex, { inboxId }] of found)
      byInbox.set(inboxId, [...(byInbox.get(inboxId) ?? []), hex]);
    const out = new Set<string>();
    for (const [inboxId, hexes] of byInbox) {
      const state = await states.fold(inboxId, await store.readIdentityLog(inboxId));
      if (!state) continue; // pending: uploaded before the inbox's first update
      for (const hex of hexes) if (holdsInstallation(state, fromHex(hex))) out.add(hex);
    }
    return out;
  }

  return {
    ...commitLogService(store),

    async sendGroupMessages(req, ctx) {
      checkBatch(req.messages.length, "messages");
      const inserts = req.messages.map(groupMessageInsert); // validate all before storing any
      const rows = await chargedWrite(ctx, (charge) => store.publishGroupMessages(inserts, charge));
      onGroupMessagesStored(rows);
      return create(EmptySchema, {});
    },

    async sendWelcomeMessages(req, ctx) {
      checkBatch(req.messages.length, "messages");
      const inserts = req.messages.map(welcomeMessageInsert);
      await chargedWrite(ctx, (charge) => store.publishWelcomeMessages(inserts, charge));
      return create(EmptySchema, {});
    },

    async uploadKeyPackage(req) {
      const bytes = req.keyPackage?.keyPackageTlsSerialized ?? new Uint8Array();
      const field = "key_package.key_package_tls_serialized";
      if (bytes.length === 0) throw invalidArgument(`${field} is empty`);
      if (bytes.length > LIMITS.maxKeyPackageBytes) {
        throw invalidArgument(
          `${field} is ${bytes.length} bytes; at most ${LIMITS.maxKeyPackageBytes}`,
        );
      }
      let kp;
      try {
        kp = parseKeyPackage(bytes);
      } catch (err) {
        if (err instanceof MlsError) throw fromMlsError(err, field);
        // The decoder can throw a plain TypeError on some malformed bytes: still the client's input.
        throw invalidArgument(
          `${field} cannot be decoded as a KeyPackage: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      const nowS = BigInt(Math.floor(Date.now() / 1000));
      if (kp.notAfter !== undefined && kp.notAfter < nowS) {
        throw invalidArgument(
          `${field}: the key package expired (lifetime.not_after ${kp.notAfter} is before now, ${nowS})`,
        );
      }
      // No check against the identity log here: libxmtp uploads its key package BEFORE
      // the identity update that grants the installation. The package is verified (above)
      // and kept; FetchKeyPackages hands it out only while the log grants the installation.
      // Monotonic uploads (rule in server/README.md): lifetime.not_before is signed by the
      // installation, so it orders its key packages; a replayed older one is refused.
      const notBefore = kp.notBefore ?? 0n;
      if (notBefore > nowS + MAX_NOT_BEFORE_AHEAD_S) {
        throw invalidArgument(
          `${field}: lifetime.not_before ${notBefore} is more than a day in the future (now ${nowS}); check the device clock`,
        );
      }
      const newer = await store.upsertKeyPackage(kp.installationKey, kp.inboxId, bytes, notBefore);
      if (newer !== undefined) {
        throw failedPrecondition(
          `${field}: this key package (lifetime.not_before ${notBefore}) is older than the key package the node holds for installation ${toHex(kp.installationKey)} (not_before ${newer}); upload a fresh one`,
        );
      }
      return create(EmptySchema, {});
    },

    async fetchKeyPackages(req) {
      const keys = req.installationKeys;
      if (keys.length > LIMITS.maxLookups) {
        throw invalidArgument(
          `installation_keys has ${keys.length} entries; at most ${LIMITS.maxLookups} per request`,
        );
      }
      keys.forEach((k, i) => checkInstallationKey(k, `installation_keys[${i}]`));
      const found = await store.fetchKeyPackages(keys);
      const granted = await grantedInstallations(found);
      return create(FetchKeyPackagesResponseSchema, {
        keyPackages: keys.map((k) => {
          const hex = toHex(k);
          const kp = granted.has(hex) ? found.get(hex)?.keyPackage : undefined;
          return { keyPackageTlsSerialized: kp ?? new Uint8Array() };
        }),
      });
    },

    async getNewestGroupMessage(req) {
      if (req.groupIds.length > LIMITS.maxLookups) {
        throw invalidArgument(
          `group_ids has ${req.groupIds.length} entries; at most ${LIMITS.maxLookups} per request`,
        );
      }
      req.groupIds.forEach((g, i) => checkGroupId(g, `group_ids[${i}]`));
      const newest = await store.newestGroupMessages(req.groupIds);
      return create(GetNewestGroupMessageResponseSchema, {
        responses: req.groupIds.map((g) => {
          const row = newest.get(toHex(g));
          if (!row) return {};
          // Without include_content the caller wants the cursor and timestamp only.
          const msg = groupMessage(
            req.includeContent
              ? row
              : { ...row, data: new Uint8Array(), senderHmac: new Uint8Array() },
          );
          return { groupMessage: msg };
        }),
      });
    },

    async queryGroupMessages(req) {
      checkGroupId(req.groupId, "group_id");
      const page = pageFrom(req.pagingInfo);
      const rows = await store.queryGroupMessages(req.groupId, page);
      return create(QueryGroupMessagesResponseSchema, {
        messages: rows.map(groupMessage),
        pagingInfo: pagingInfoFor(
          page,
          rows.map((r) => r.id),
        ),
      });
    },

    async queryWelcomeMessages(req) {
      checkInstallationKey(req.installationKey, "installation_key");
      const page = pageFrom(req.pagingInfo);
      const rows = await store.queryWelcomeMessages(req.installationKey, page);
      return create(QueryWelcomeMessagesResponseSchema, {
        messages: rows.map(welcomeMessage),
        pagingInfo: pagingInfoFor(
          page,
          rows.map((r) => r.id),
        ),
      });
    },

    async *subscribeGroupMessages(req, ctx) {
      const release = await guard.admit(ctx, req.filters.length);
      try {
        const filters: TopicFilter[] = req.filters.map((f, i) => {
          checkGroupId(f.groupId, `filters[${i}].group_id`);
          return { kind: "g", key: f.groupId, topic: groupTopic(f.groupId), cursor: f.idCursor };
        });
        const opts = { caughtUp: false, keepalive: false };
        yield* fastStream(ctx, (d) => engine.stream(filters, ctx.signal, opts, d), groupOutput);
      } finally {
        release();
      }
    },

    async *subscribeWelcomeMessages(req, ctx) {
      const release = await guard.admit(ctx, req.filters.length);
      try {
        const filters: TopicFilter[] = req.filters.map((f, i) => {
          checkInstallationKey(f.installationKey, `filters[${i}].installation_key`);
          return {
            kind: "w",
            key: f.installationKey,
            topic: welcomeTopic(f.installationKey),
            cursor: f.idCursor,
          };
        });
        const opts = { caughtUp: false, keepalive: false };
        yield* fastStream(ctx, (d) => engine.stream(filters, ctx.signal, opts, d), welcomeOutput);
      } finally {
        release();
      }
    },
  };
}
