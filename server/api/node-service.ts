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
import type { DirectDelivery, StreamEngine, StreamItem, TopicFilter } from "../stream/engine";
import { fastStream } from "../stream/fast-path";
import { FrameCache, frameOf } from "../stream/frames";
import { groupMessage, welcomeMessage } from "./convert";
import { invalidArgument } from "./errors";
import { LIMITS } from "./limits";
import type { StreamGuard } from "./stream-guard";
import { checkGroupId, checkInstallationKey } from "./validate";

type Row = GroupMessageRow | WelcomeMessageRow;

/**
 * Streams waiting on one topic share the row objects they read (shared-reads.ts), so the
 * response for a row is built and encoded once, not once per subscriber.
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
const groupFrames = new FrameCache<GroupMessageRow>((row) =>
  frameOf(SubscribeResponseSchema, responseFor("group", row)),
);
const welcomeFrames = new FrameCache<WelcomeMessageRow>((row) =>
  frameOf(SubscribeResponseSchema, responseFor("welcome", row)),
);
const CAUGHT_UP = create(SubscribeResponseSchema, { event: { case: "caughtUp", value: {} } });
const KEEPALIVE = create(SubscribeResponseSchema, { event: { case: "keepalive", value: {} } });
const CAUGHT_UP_FRAME = frameOf(SubscribeResponseSchema, CAUGHT_UP);
const KEEPALIVE_FRAME = frameOf(SubscribeResponseSchema, KEEPALIVE);

const subscribeOutput = {
  message(item: StreamItem): SubscribeResponse {
    switch (item.kind) {
      case "group":
      case "welcome":
        return responseFor(item.kind, item.row);
      case "caught_up":
        return CAUGHT_UP;
      case "keepalive":
        return KEEPALIVE;
    }
  },
  frame(item: StreamItem): Uint8Array {
    switch (item.kind) {
      case "group":
        return groupFrames.get(item.row);
      case "welcome":
        return welcomeFrames.get(item.row);
      case "caught_up":
        return CAUGHT_UP_FRAME;
      case "keepalive":
        return KEEPALIVE_FRAME;
    }
  },
};

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
        yield* fastStream(ctx, (d) => events(req.filters, ctx.signal, d), subscribeOutput);
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

  function events(
    reqFilters: SubscribeRequest["filters"],
    signal: AbortSignal,
    direct: DirectDelivery,
  ) {
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
    return engine.stream(filters, signal, { caughtUp: true, keepalive: true }, direct);
  }
}
