// Store rows -> wire messages.
import { create } from "@bufbuild/protobuf";
import {
  GroupMessageSchema,
  WelcomeMessageSchema,
  type GroupMessage,
  type WelcomeMessage,
} from "../../lib/proto/mls/api/v1/mls_pb";
import type { GroupMessageRow, WelcomeMessageRow } from "../store";

export function groupMessage(row: GroupMessageRow): GroupMessage {
  return create(GroupMessageSchema, {
    version: {
      case: "v1",
      value: {
        id: row.id,
        createdNs: row.createdNs,
        groupId: row.groupId,
        data: row.data,
        senderHmac: row.senderHmac,
        shouldPush: row.shouldPush,
      },
    },
  });
}

export function welcomeMessage(row: WelcomeMessageRow): WelcomeMessage {
  return create(WelcomeMessageSchema, {
    version: {
      case: "v1",
      value: {
        id: row.id,
        createdNs: row.createdNs,
        installationKey: row.installationKey,
        data: row.data,
        hpkePublicKey: row.hpkePublicKey,
        wrapperAlgorithm: row.wrapperAlgorithm,
      },
    },
  });
}
