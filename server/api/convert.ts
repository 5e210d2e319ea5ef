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
        isCommit: row.isCommit,
      },
    },
  });
}

export function welcomeMessage(row: WelcomeMessageRow): WelcomeMessage {
  const common = {
    id: row.id,
    createdNs: row.createdNs,
    installationKey: row.installationKey,
    hpkePublicKey: row.hpkePublicKey,
    wrapperAlgorithm: row.wrapperAlgorithm,
  };
  return create(WelcomeMessageSchema, {
    version: row.isPointer
      ? { case: "welcomePointer", value: { ...common, welcomePointer: row.data } }
      : { case: "v1", value: { ...common, data: row.data, welcomeMetadata: row.welcomeMetadata } },
  });
}
