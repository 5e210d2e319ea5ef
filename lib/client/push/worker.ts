// The push service worker's part of the library (bundled into public/sw-push.js by
// scripts/build-push-worker.mjs; public/sw.js loads it). Everything here also runs in Node
// with fake-indexeddb, so the tests exercise exactly what the worker runs.
import { Client } from "../client";
import type { BrowserPushSubscription } from "./push-notifications";
import { genericNotice, type PushNotice } from "./push-notice";

/** What the worker hands in: the browser's IndexedDB and its list of databases. */
export interface PushWorkerEnv {
  /** Names of this origin's IndexedDB databases (indexedDB.databases()). */
  databaseNames(): Promise<string[]>;
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
  fetch?: typeof fetch;
  /** Gives up (generic notice) after this long: a push handler must finish. Default 20 s. */
  timeoutMs?: number;
  log?: (event: string, data: Record<string, unknown>) => void;
}

/** The node's payload: {v: 1, group: hex group id, id: decimal node id}. */
export function parsePushPayload(data: unknown): { group: string; id: bigint } | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const p = data as { v?: unknown; group?: unknown; id?: unknown };
  if (p.v !== 1 || typeof p.group !== "string" || !/^(?:[0-9a-f]{2}){1,255}$/.test(p.group))
    return undefined;
  if (typeof p.id !== "string" || !/^[1-9]\d{0,19}$/.test(p.id)) return { group: p.group, id: 0n };
  return { group: p.group, id: BigInt(p.id) };
}

/** One database per account that used this browser: `messenger-<address>` (client.ts). */
const ACCOUNT_DB = /^messenger-(0x[0-9a-f]{40})$/;

/**
 * The notification for one push. Whatever goes wrong (no installation here, sign to unlock
 * on, the node unreachable, a commit first, too slow) the answer is a generic notice for the
 * conversation, never an exception: a push must always show something.
 */
export async function noticeForPush(data: unknown, env: PushWorkerEnv): Promise<PushNotice> {
  const payload = parsePushPayload(data);
  if (!payload) return genericNotice(undefined, "not_our_payload");
  if (payload.id === 0n) return genericNotice(payload.group, "no_message_id");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<PushNotice>((resolve) => {
    timer = setTimeout(
      () => resolve(genericNotice(payload.group, "timeout")),
      env.timeoutMs ?? 20_000,
    );
  });
  try {
    return await Promise.race([readWithAnyAccount(payload.group, payload.id, env), timeout]);
  } catch (err) {
    env.log?.("push_read_failed", { error: (err as Error).message });
    return genericNotice(payload.group, (err as { code?: string }).code ?? "failed");
  } finally {
    clearTimeout(timer);
  }
}

async function readWithAnyAccount(
  group: string,
  id: bigint,
  env: PushWorkerEnv,
): Promise<PushNotice> {
  let why = "no_installation";
  for (const name of await env.databaseNames()) {
    const address = ACCOUNT_DB.exec(name)?.[1];
    if (!address) continue;
    let client: Client | undefined;
    try {
      client = await Client.restoreForPush(address, options(env));
      const notice = await client.pushNotice(group, id);
      if (notice.generic !== "unknown_conversation") return notice;
    } catch (err) {
      // Sign to unlock: the wrapping key comes from a wallet signature, absent here.
      why = (err as { code?: string }).code ?? "failed";
      env.log?.("push_account_skipped", { address, error: (err as Error).message });
    } finally {
      await client?.close();
    }
  }
  return genericNotice(group, why);
}

function options(env: PushWorkerEnv) {
  return {
    ...(env.indexedDB ? { indexedDB: env.indexedDB } : {}),
    ...(env.IDBKeyRange ? { IDBKeyRange: env.IDBKeyRange } : {}),
    ...(env.fetch ? { fetch: env.fetch } : {}),
  };
}

/**
 * `pushsubscriptionchange`: the browser replaced the subscription. Each installation here
 * that had the old one registers the new one with its node (signed by its installation key,
 * as the page does). `subscribe` makes the new subscription for a VAPID key when the browser
 * gave none. Returns how many installations re-registered.
 */
export async function resubscribe(
  oldEndpoint: string | undefined,
  subscribe: (vapidPublicKey: string) => Promise<BrowserPushSubscription>,
  env: PushWorkerEnv,
): Promise<number> {
  let done = 0;
  let made: BrowserPushSubscription | undefined;
  for (const name of await env.databaseNames()) {
    const address = ACCOUNT_DB.exec(name)?.[1];
    if (!address) continue;
    let client: Client | undefined;
    try {
      client = await Client.restoreForPush(address, options(env));
      if (!(await client.push.status()).subscribed) continue;
      made ??= await subscribe(await client.push.vapidPublicKey());
      if (await client.push.replaceSubscription(oldEndpoint, made)) done++;
    } catch (err) {
      env.log?.("push_resubscribe_failed", { address, error: (err as Error).message });
    } finally {
      await client?.close();
    }
  }
  return done;
}
