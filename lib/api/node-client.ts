import { create } from "@bufbuild/protobuf";
import { createClient, type Client, type Transport } from "@connectrpc/connect";
import { IdentityApi } from "../proto/identity/api/v1/identity_pb";
import type { GetIdentityUpdatesResponse_IdentityUpdateLog } from "../proto/identity/api/v1/identity_pb";
import { IdentifierKind, type IdentityUpdate } from "../proto/identity/associations/association_pb";
import {
  GroupMessageInputSchema,
  MlsApi,
  SortDirection,
  WelcomeMessageInputSchema,
  type GroupMessage_V1,
  type WelcomeMessage_V1,
  type WelcomeMessage_WelcomePointer,
} from "../proto/mls/api/v1/mls_pb";
import { NodeApi, type GetNodeInfoResponse } from "../proto/messenger/node/v1/node_pb";
import { PushApi } from "../proto/messenger/push/v1/push_pb";
import { WelcomeWrapperAlgorithm } from "../proto/mls/message_contents/wrapper_encryption_pb";
import {
  MAX_COMMIT_LOG_BATCH,
  pagesFrom,
  publishRequest,
  queryRequest,
  type CommitLogEntryRecord,
  type CommitLogPage,
  type CommitLogPublish,
  type CommitLogQuery,
} from "./commit-log";
import { withRetry, type RetryOptions } from "./retry";
import { createNodeTransport } from "./transport";

export const MAX_PAGE_SIZE = 100;

export interface GroupMessageInput {
  data: Uint8Array;
  shouldPush: boolean;
  senderHmac?: Uint8Array;
}

export type WelcomeInput = WelcomeV1Input | WelcomePointerInput;

export interface WelcomeV1Input {
  installationKey: Uint8Array;
  data: Uint8Array;
  hpkePublicKey?: Uint8Array;
  /** libxmtp's welcome_metadata (field 7), sealed in data's HPKE context; empty if none. */
  welcomeMetadata?: Uint8Array;
  /**
   * How data is wrapped to hpkePublicKey; CURVE25519 when a key is given without it.
   * "symmetric": a welcome pointer's pointee, sealed with the pointers' key (no HPKE key).
   */
  wrapper?: "curve25519" | "xwing" | "symmetric";
}

/** One installation's welcome pointer (lib/mls/welcome-pointer.ts), HPKE-wrapped to hpkePublicKey. */
export interface WelcomePointerInput {
  kind: "pointer";
  installationKey: Uint8Array;
  welcomePointer: Uint8Array;
  hpkePublicKey: Uint8Array;
  wrapper?: "curve25519" | "xwing";
}

/** A welcome as the node serves it: the welcome itself, or a pointer to one. */
export type ReceivedWelcome = WelcomeMessage_V1 | WelcomeMessage_WelcomePointer;

export function isWelcomePointer(w: ReceivedWelcome): w is WelcomeMessage_WelcomePointer {
  return w.$typeName === "xmtp.mls.api.v1.WelcomeMessage.WelcomePointer";
}

/** The bytes a welcome puts on the wire, for batching under the node's request limit. */
export function welcomeInputBytes(w: WelcomeInput): number {
  return "kind" in w ? w.welcomePointer.length + w.hpkePublicKey.length : w.data.length;
}

const wrapperAlgorithmOf = (w: WelcomeInput): WelcomeWrapperAlgorithm =>
  "kind" in w || w.hpkePublicKey?.length
    ? w.wrapper === "xwing"
      ? WelcomeWrapperAlgorithm.XWING_MLKEM_768_DRAFT_6
      : WelcomeWrapperAlgorithm.CURVE25519
    : w.wrapper === "symmetric"
      ? WelcomeWrapperAlgorithm.SYMMETRIC_KEY
      : WelcomeWrapperAlgorithm.UNSPECIFIED;

export interface PageOptions {
  cursor?: bigint;
  limit?: number;
  direction?: "ascending" | "descending";
}

/** Typed access to the node's RPCs with retries; every failure is an ApiError. */
export class NodeClient {
  readonly transport: Transport;
  private readonly identity: Client<typeof IdentityApi>;
  private readonly mls: Client<typeof MlsApi>;
  readonly node: Client<typeof NodeApi>;
  readonly push: Client<typeof PushApi>;
  private inboxId?: string;

  constructor(
    apiUrl: string,
    private readonly retry: RetryOptions = {},
    fetchImpl?: typeof fetch,
  ) {
    // x-inbox-id lets the node budget users behind one address (NAT) separately.
    this.transport = createNodeTransport(apiUrl, fetchImpl, () =>
      this.inboxId ? { "x-inbox-id": this.inboxId } : ({} as Record<string, string>),
    );
    this.identity = createClient(IdentityApi, this.transport);
    this.mls = createClient(MlsApi, this.transport);
    this.node = createClient(NodeApi, this.transport);
    this.push = createClient(PushApi, this.transport);
  }

  /** Called once this client's inbox is known. */
  setInboxId(inboxId: string): void {
    this.inboxId = inboxId;
  }

  async publishIdentityUpdate(update: IdentityUpdate): Promise<void> {
    // Not retried blindly: a replayed signature would be rejected on the second try.
    await withRetry(
      "PublishIdentityUpdate",
      () => this.identity.publishIdentityUpdate({ identityUpdate: update }),
      {
        ...this.retry,
        attempts: 1,
      },
    );
  }

  /** Log entries after `sequenceId` for each inbox. */
  async getIdentityUpdates(
    requests: { inboxId: string; sequenceId?: bigint }[],
  ): Promise<Map<string, GetIdentityUpdatesResponse_IdentityUpdateLog[]>> {
    const res = await withRetry(
      "GetIdentityUpdates",
      () =>
        this.identity.getIdentityUpdates({
          requests: requests.map((r) => ({ inboxId: r.inboxId, sequenceId: r.sequenceId ?? 0n })),
        }),
      this.retry,
    );
    return new Map(res.responses.map((r) => [r.inboxId, r.updates]));
  }

  /** Lowercase address → inbox ID, for the addresses that have one. */
  async getInboxIds(addresses: string[]): Promise<Map<string, string>> {
    if (addresses.length === 0) return new Map();
    const res = await withRetry(
      "GetInboxIds",
      () =>
        this.identity.getInboxIds({
          requests: addresses.map((a) => ({
            identifier: a.toLowerCase(),
            identifierKind: IdentifierKind.ETHEREUM,
          })),
        }),
      this.retry,
    );
    const out = new Map<string, string>();
    for (const r of res.responses) if (r.inboxId) out.set(r.identifier.toLowerCase(), r.inboxId);
    return out;
  }

  async uploadKeyPackage(keyPackage: Uint8Array): Promise<void> {
    await withRetry(
      "UploadKeyPackage",
      () =>
        this.mls.uploadKeyPackage({
          keyPackage: { keyPackageTlsSerialized: keyPackage },
          isInboxIdCredential: true,
        }),
      this.retry,
    );
  }

  /** One entry per installation key, in order; undefined where the node has none. */
  async fetchKeyPackages(installationKeys: Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    const res = await withRetry(
      "FetchKeyPackages",
      () => this.mls.fetchKeyPackages({ installationKeys }),
      this.retry,
    );
    return installationKeys.map((_, i) => {
      const kp = res.keyPackages[i]?.keyPackageTlsSerialized;
      return kp && kp.length > 0 ? kp : undefined;
    });
  }

  async sendGroupMessages(messages: GroupMessageInput[]): Promise<void> {
    const inputs = messages.map((m) =>
      create(GroupMessageInputSchema, {
        version: {
          case: "v1",
          value: {
            data: m.data,
            shouldPush: m.shouldPush,
            senderHmac: m.senderHmac ?? new Uint8Array(),
          },
        },
      }),
    );
    // Safe to retry: the node stores a byte-identical message to a group once.
    await withRetry(
      "SendGroupMessages",
      () => this.mls.sendGroupMessages({ messages: inputs }),
      this.retry,
    );
  }

  async sendWelcomeMessages(welcomes: WelcomeInput[]): Promise<void> {
    const inputs = welcomes.map((w) =>
      create(WelcomeMessageInputSchema, {
        version:
          "kind" in w
            ? {
                case: "welcomePointer",
                value: {
                  installationKey: w.installationKey,
                  welcomePointer: w.welcomePointer,
                  hpkePublicKey: w.hpkePublicKey,
                  // WelcomePointerWrapperAlgorithm shares WelcomeWrapperAlgorithm's numbers.
                  wrapperAlgorithm: wrapperAlgorithmOf(w) as number,
                },
              }
            : {
                case: "v1",
                value: {
                  installationKey: w.installationKey,
                  data: w.data,
                  hpkePublicKey: w.hpkePublicKey ?? new Uint8Array(),
                  // data is HPKE-wrapped to hpkePublicKey (lib/mls/welcome-wrap.ts)
                  wrapperAlgorithm: wrapperAlgorithmOf(w),
                  welcomeMetadata: w.welcomeMetadata ?? new Uint8Array(),
                },
              },
      }),
    );
    await withRetry(
      "SendWelcomeMessages",
      () => this.mls.sendWelcomeMessages({ messages: inputs }),
      this.retry,
    );
  }

  async queryGroupMessages(
    groupId: Uint8Array,
    page: PageOptions = {},
  ): Promise<GroupMessage_V1[]> {
    const res = await withRetry(
      "QueryGroupMessages",
      () => this.mls.queryGroupMessages({ groupId, pagingInfo: pagingInfo(page) }),
      this.retry,
    );
    return res.messages.flatMap((m) => (m.version.case === "v1" ? [m.version.value] : []));
  }

  async queryWelcomeMessages(
    installationKey: Uint8Array,
    page: PageOptions = {},
  ): Promise<ReceivedWelcome[]> {
    const res = await withRetry(
      "QueryWelcomeMessages",
      () => this.mls.queryWelcomeMessages({ installationKey, pagingInfo: pagingInfo(page) }),
      this.retry,
    );
    return res.messages.flatMap((m) =>
      m.version.case === "v1" || m.version.case === "welcomePointer" ? [m.version.value] : [],
    );
  }

  /** Appends entries to their groups' commit logs (all or none). */
  async publishCommitLog(entries: CommitLogPublish[]): Promise<void> {
    if (entries.length === 0) return;
    for (let i = 0; i < entries.length; i += MAX_COMMIT_LOG_BATCH) {
      const req = publishRequest(entries.slice(i, i + MAX_COMMIT_LOG_BATCH));
      // Safe to retry: the node stores a byte-identical entry to a group's log once.
      await withRetry(
        "BatchPublishCommitLog",
        () => this.mls.batchPublishCommitLog(req),
        this.retry,
      );
    }
  }

  /** One page of each group's commit log, in query order. */
  async queryCommitLog(queries: CommitLogQuery[]): Promise<CommitLogPage[]> {
    const pages: CommitLogPage[] = [];
    for (let i = 0; i < queries.length; i += MAX_COMMIT_LOG_BATCH) {
      const req = queryRequest(queries.slice(i, i + MAX_COMMIT_LOG_BATCH));
      const res = await withRetry(
        "BatchQueryCommitLog",
        () => this.mls.batchQueryCommitLog(req),
        this.retry,
      );
      pages.push(...pagesFrom(res));
    }
    return pages;
  }

  /** A group's commit log after `cursor` (exclusive), oldest first, every page. */
  async readCommitLog(groupId: Uint8Array, cursor = 0n): Promise<CommitLogEntryRecord[]> {
    const out: CommitLogEntryRecord[] = [];
    for (let next: bigint | undefined = cursor; next !== undefined;) {
      const [page] = await this.queryCommitLog([{ groupId, cursor: next }]);
      if (!page) break;
      out.push(...page.entries);
      next = page.nextCursor;
    }
    return out;
  }

  async getNodeInfo(): Promise<GetNodeInfoResponse> {
    return withRetry("GetNodeInfo", () => this.node.getNodeInfo({}), this.retry);
  }

  /** The node's VAPID public key (base64url), for PushManager.subscribe. */
  async getVapidPublicKey(): Promise<string> {
    const res = await withRetry(
      "GetVapidPublicKey",
      () => this.push.getVapidPublicKey({}),
      this.retry,
    );
    return res.publicKey;
  }

  /** One signed change of this installation's push registration (not retried: it is timestamped). */
  async updatePushRegistration(registration: Uint8Array, signature: Uint8Array): Promise<void> {
    await withRetry(
      "UpdatePushRegistration",
      () => this.push.updatePushRegistration({ registration, signature }),
      { ...this.retry, attempts: 1 },
    );
  }
}

function pagingInfo(page: PageOptions) {
  return {
    limit: Math.min(page.limit ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE),
    idCursor: page.cursor ?? 0n,
    direction: page.direction === "descending" ? SortDirection.DESCENDING : SortDirection.ASCENDING,
  };
}
