// NodeApi (ours): one multiplexed subscription per client, and the node's limits.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  GetNodeInfoResponseSchema,
  NodeApi,
  SubscribeResponseSchema,
  type SubscribeRequest,
  type SubscribeResponse,
} from "../../lib/proto/messenger/node/v1/node_pb";
import { nowNs } from "../clock";
import { groupTopic, welcomeTopic, type GroupMessageRow, type WelcomeMessageRow } from "../store";
import type { StreamEngine, TopicFilter } from "../stream/engine";
import { groupMessage, welcomeMessage } from "./convert";
import { invalidArgument } from "./errors";
import { LIMITS } from "./limits";
import type { StreamGuard } from "./stream-guard";
import { checkGroupId, checkInstallationKey } from "./validate";

type Row = GroupMessageRow | WelcomeMessageRow;

/**
 * Streams waiting on one topic share the row objects they read (shared-reads.ts), so the
 * response for a row is built once, not once per subscriber.
 */
const responses = new WeakMap<Row, SubscribeResponse>();
function responseFor(kind: "group" | "welcome", row: Row): SubscribeResponse {
  let res = responses.get(row);
  if (!res) {
    res = create(SubscribeResponseSchema, {
      event:
        kind === "group"
          ? { case: "groupMessage", value: groupMessage(row as GroupMessageRow) }
          : { case: "welcomeMessage", value: welcomeMessage(row as WelcomeMessageRow) },
    });
    responses.set(row, res);
  }
  return res;
}

export function nodeService(
  engine: StreamEngine,
  guard: StreamGuard,
  version: string,
): ServiceImpl<typeof NodeApi> {
  return {
    async *subscribe(req, ctx) {
      if (req.filters.length === 0) {
        throw invalidArgument("filters is empty: subscribe to at least one topic");
      }
      const release = await guard.admit(ctx, req.filters.length);
      try {
        yield* events(req.filters, ctx.signal);
      } finally {
        release();
      }
    },

    async getNodeInfo() {
      return create(GetNodeInfoResponseSchema, {
        version,
        serverTimeNs: nowNs(),
        maxMessageBytes: LIMITS.maxMessageBytes,
        maxPageSize: LIMITS.maxPageSize,
        maxInstallationsPerInbox: LIMITS.maxInstallationsPerInbox,
        maxIdentityUpdatesPerInbox: LIMITS.maxIdentityUpdatesPerInbox,
        maxCommitLogEntryBytes: LIMITS.maxCommitLogEntryBytes,
        maxCommitLogBatch: LIMITS.maxCommitLogBatch,
      });
    },
  };

  async function* events(reqFilters: SubscribeRequest["filters"], signal: AbortSignal) {
    const filters: TopicFilter[] = reqFilters.map((f, i) => {
      const t = f.topic;
      if (t.case === "groupId") {
        checkGroupId(t.value, `filters[${i}].group_id`);
        return { kind: "g", key: t.value, topic: groupTopic(t.value), cursor: f.idCursor };
      }
      if (t.case === "installationKey") {
        checkInstallationKey(t.value, `filters[${i}].installation_key`);
        return { kind: "w", key: t.value, topic: welcomeTopic(t.value), cursor: f.idCursor };
      }
      throw invalidArgument(`filters[${i}] has no topic: set group_id or installation_key`);
    });
    for await (const item of engine.stream(filters, signal, {
      caughtUp: true,
      keepalive: true,
    })) {
      switch (item.kind) {
        case "group":
        case "welcome":
          yield responseFor(item.kind, item.row);
          break;
        case "caught_up":
          yield create(SubscribeResponseSchema, { event: { case: "caughtUp", value: {} } });
          break;
        case "keepalive":
          yield create(SubscribeResponseSchema, { event: { case: "keepalive", value: {} } });
          break;
      }
    }
  }
}
