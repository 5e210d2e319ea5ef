// PushApi (ours): the VAPID public key, and signed changes to an installation's push
// registration. Each change is Ed25519-signed by an installation key that the inbox's
// identity log grants now, carries a growing timestamp (no replays) and names the bad
// field when refused.
import { fromBinary, create, toBinary } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { ed25519Verify, toHex } from "../../lib/crypto";
import { holdsInstallation } from "../../lib/identity";
import {
  GetVapidPublicKeyResponseSchema,
  PushApi,
  PushRegistrationSchema,
  PushTopicSchema,
  UpdatePushRegistrationResponseSchema,
  type PushRegistration,
  type PushRegistration_Subscribe,
  type PushTopic,
} from "../../lib/proto/messenger/push/v1/push_pb";
import { pushRegistrationSignedBytes } from "../../lib/push";
import { alreadyExists, failedPrecondition, invalidArgument } from "../api/errors";
import type { IdentityStates } from "../api/identity-states";
import { LIMITS } from "../api/limits";
import { checkGroupId, checkInstallationKey } from "../api/validate";
import { nowNs } from "../clock";
import type { Store } from "../store";
import type { PushConfig } from "./config";
import type { PushStore } from "./push-store";

const MAX_SKEW_NS = 3_600_000_000_000n; // one hour, as identity updates
const MAX_ENDPOINT_CHARS = 2048;
const MAX_HMAC_KEYS_PER_TOPIC = 3;
const MAX_HMAC_KEY_BYTES = 64;

export function pushService(deps: {
  store: Store;
  push: PushStore;
  states: IdentityStates;
  config: PushConfig;
  vapidPublicKey: string;
}): ServiceImpl<typeof PushApi> {
  const { store, push, states, config } = deps;

  function decode(bytes: Uint8Array): PushRegistration {
    if (bytes.length === 0) throw invalidArgument("registration is empty");
    try {
      return fromBinary(PushRegistrationSchema, bytes);
    } catch (err) {
      throw invalidArgument(
        `registration cannot be decoded as a PushRegistration: ${(err as Error).message}`,
      );
    }
  }

  async function checkSigner(reg: PushRegistration, signed: Uint8Array, signature: Uint8Array) {
    checkInstallationKey(reg.installationKey, "registration.installation_key");
    if (signature.length !== 64) {
      throw invalidArgument(`signature must be 64 bytes (Ed25519), got ${signature.length}`);
    }
    if (!ed25519Verify(signature, pushRegistrationSignedBytes(signed), reg.installationKey)) {
      throw invalidArgument(
        "signature does not verify over registration with registration.installation_key",
      );
    }
    if (!/^[0-9a-f]{64}$/.test(reg.inboxId)) {
      throw invalidArgument("registration.inbox_id must be 64 lowercase hex characters");
    }
    const skew = reg.timestampNs - nowNs();
    if (skew > MAX_SKEW_NS || -skew > MAX_SKEW_NS) {
      throw invalidArgument(
        `registration.timestamp_ns ${reg.timestampNs} is more than an hour from the node's clock (${nowNs()})`,
      );
    }
    const state = await states.fold(reg.inboxId, await store.readIdentityLog(reg.inboxId));
    if (!state || !holdsInstallation(state, reg.installationKey)) {
      throw failedPrecondition(
        `registration.installation_key ${toHex(reg.installationKey)} is not an installation of inbox ${reg.inboxId} (its identity log does not grant it)`,
      );
    }
  }

  function checkSubscription(s: PushRegistration_Subscribe): void {
    let url: URL;
    try {
      url = new URL(s.endpoint);
    } catch {
      throw invalidArgument(
        `subscribe.endpoint is not a URL: ${JSON.stringify(s.endpoint.slice(0, 80))}`,
      );
    }
    const okScheme =
      url.protocol === "https:" || (config.allowHttpEndpoints && url.protocol === "http:");
    if (!okScheme)
      throw invalidArgument(`subscribe.endpoint must be an https URL, got ${url.protocol}`);
    if (s.endpoint.length > MAX_ENDPOINT_CHARS) {
      throw invalidArgument(
        `subscribe.endpoint is ${s.endpoint.length} characters; at most ${MAX_ENDPOINT_CHARS}`,
      );
    }
    if (s.p256dh.length !== 65 || s.p256dh[0] !== 4) {
      throw invalidArgument(
        `subscribe.p256dh must be a 65-byte uncompressed P-256 point, got ${s.p256dh.length} bytes`,
      );
    }
    if (s.auth.length !== 16) {
      throw invalidArgument(`subscribe.auth must be 16 bytes, got ${s.auth.length}`);
    }
  }

  function checkTopics(topics: PushTopic[]): { groupId: Uint8Array; topic: Uint8Array }[] {
    if (topics.length > LIMITS.maxPushTopics) {
      throw invalidArgument(
        `set_topics.topics has ${topics.length} entries; at most ${LIMITS.maxPushTopics}`,
      );
    }
    const seen = new Set<string>();
    return topics.map((t, i) => {
      const field = `set_topics.topics[${i}]`;
      checkGroupId(t.groupId, `${field}.group_id`);
      const hex = toHex(t.groupId);
      if (seen.has(hex)) throw invalidArgument(`${field}.group_id repeats an earlier topic`);
      seen.add(hex);
      if (t.hmacKeys.length > MAX_HMAC_KEYS_PER_TOPIC) {
        throw invalidArgument(
          `${field}.hmac_keys has ${t.hmacKeys.length} keys; at most ${MAX_HMAC_KEYS_PER_TOPIC}`,
        );
      }
      t.hmacKeys.forEach((k, j) => {
        if (k.key.length === 0 || k.key.length > MAX_HMAC_KEY_BYTES) {
          throw invalidArgument(
            `${field}.hmac_keys[${j}].key must be 1–${MAX_HMAC_KEY_BYTES} bytes, got ${k.key.length}`,
          );
        }
      });
      return { groupId: t.groupId, topic: toBinary(PushTopicSchema, create(PushTopicSchema, t)) };
    });
  }

  const stale = (reg: PushRegistration) =>
    alreadyExists(
      `registration.timestamp_ns ${reg.timestampNs} is not newer than this installation's last change: a replay, or sent out of order`,
    );

  return {
    async getVapidPublicKey() {
      return create(GetVapidPublicKeyResponseSchema, { publicKey: deps.vapidPublicKey });
    },

    async updatePushRegistration(req) {
      const reg = decode(req.registration);
      await checkSigner(reg, req.registration, req.signature);
      const change = reg.change;
      switch (change.case) {
        case "subscribe": {
          checkSubscription(change.value);
          const stored = await push.upsertSubscription({
            installationKey: reg.installationKey,
            inboxId: reg.inboxId,
            endpoint: change.value.endpoint,
            p256dh: change.value.p256dh,
            auth: change.value.auth,
            timestampNs: reg.timestampNs,
            nowNs: nowNs(),
          });
          if (!stored) throw stale(reg);
          break;
        }
        case "unsubscribe": {
          const moved = await push.advanceTimestamp(reg.installationKey, reg.timestampNs);
          if (moved === "stale") throw stale(reg);
          if (moved === "ok") await push.deleteSubscription(reg.installationKey);
          break; // "missing": nothing to remove, same answer
        }
        case "setTopics": {
          const topics = checkTopics(change.value.topics);
          const result = await push.setTopics(reg.installationKey, reg.timestampNs, topics);
          if (result === "stale") throw stale(reg);
          if (result === "missing") {
            throw failedPrecondition(
              "set_topics: this installation has no push subscription; subscribe first",
            );
          }
          break;
        }
        default:
          throw invalidArgument(
            "registration.change is empty: set subscribe, unsubscribe or set_topics",
          );
      }
      return create(UpdatePushRegistrationResponseSchema, {});
    },
  };
}
