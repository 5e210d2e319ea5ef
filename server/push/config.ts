// Web Push settings from the environment (server/README.md "Web Push").
import { ConfigError } from "../config-error";

export interface PushConfig {
  vapidPublicKey?: string;
  vapidPrivateKey?: string;
  /** mailto: or https: URL the push services may contact about this node. */
  vapidSubject: string;
  /** Accept http:// push endpoints (tests with a local stand-in only; real services are https). */
  allowHttpEndpoints: boolean;
  /** Tries per push (first + retries) on network errors, 429 and 5xx. */
  maxAttempts: number;
}

const b64url = /^[A-Za-z0-9_-]+$/;

function keyOf(env: NodeJS.ProcessEnv, name: string, bytes: number): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  if (!b64url.test(raw) || Buffer.from(raw, "base64url").length !== bytes) {
    throw new ConfigError(`${name} must be ${bytes} bytes in base64url (no padding)`);
  }
  return raw;
}

export function pushFrom(env: NodeJS.ProcessEnv, publicUrl: string | undefined): PushConfig {
  const vapidPublicKey = keyOf(env, "VAPID_PUBLIC_KEY", 65);
  const vapidPrivateKey = keyOf(env, "VAPID_PRIVATE_KEY", 32);
  if (!vapidPublicKey !== !vapidPrivateKey) {
    throw new ConfigError(
      "set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither (the node then keeps its own pair)",
    );
  }
  const subject =
    env.VAPID_SUBJECT || (publicUrl?.startsWith("https://") ? publicUrl : "mailto:push@invalid");
  if (!/^(mailto:|https:\/\/)/.test(subject)) {
    throw new ConfigError(
      `VAPID_SUBJECT must be a mailto: or https: URL, got ${JSON.stringify(subject)}`,
    );
  }
  const attempts = Number(env.PUSH_MAX_ATTEMPTS || 4);
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) {
    throw new ConfigError(
      `PUSH_MAX_ATTEMPTS must be an integer from 1 to 10, got ${env.PUSH_MAX_ATTEMPTS}`,
    );
  }
  return {
    vapidPublicKey,
    vapidPrivateKey,
    vapidSubject: subject,
    allowHttpEndpoints: env.PUSH_ALLOW_HTTP_ENDPOINTS === "1",
    maxAttempts: attempts,
  };
}
