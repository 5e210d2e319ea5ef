// A local push service for tests, in place of FCM / Mozilla autopush: each subscription
// is an endpoint URL here with its own P-256 key pair and auth secret (what a browser
// holds). A POST is accepted only with a valid VAPID JWT (RFC 8292: ES256, aud = this
// origin, exp in the future, k = the key the node advertises); its body is decrypted
// per RFC 8291 (aes128gcm) with http_ece, the library web-push itself builds on.
import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { decrypt } from "http_ece";

export interface ReceivedPush {
  subscription: string;
  payload: unknown;
  ttl: string | undefined;
  urgency: string | undefined;
}

export interface StandInSubscription {
  name: string;
  endpoint: string;
  p256dh: Uint8Array;
  auth: Uint8Array;
}

export class PushServiceStandIn {
  readonly received: ReceivedPush[] = [];
  /** Refusals (bad JWT, undecryptable body): a correct node causes none. */
  readonly refused: string[] = [];
  /** Subscriptions that answer 410 Gone, and the POSTs they got. */
  readonly gone = new Set<string>();
  goneHits = 0;
  /** Answer 503 this many more times before accepting (retry tests). */
  failNext = 0;
  private readonly keys = new Map<string, { ecdh: ECDH; auth: Buffer }>();
  private server!: http.Server;
  origin = "";
  private waiters: (() => void)[] = [];

  constructor(private readonly vapidPublicKey: () => string) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  subscription(name: string): StandInSubscription {
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    const auth = randomBytes(16);
    this.keys.set(name, { ecdh, auth });
    return {
      name,
      endpoint: `${this.origin}/push/${name}`,
      p256dh: new Uint8Array(ecdh.getPublicKey()),
      auth: new Uint8Array(auth),
    };
  }

  to(name: string): ReceivedPush[] {
    return this.received.filter((p) => p.subscription === name);
  }

  /** Resolves when `pred` holds over what arrived (checked on each arrival). */
  async waitFor(pred: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error("push stand-in: timed out waiting");
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  private checkVapid(header: string | undefined): string | undefined {
    const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? "");
    if (!m) return `authorization is not "vapid t=…, k=…": ${header}`;
    const [, jwt, k] = m;
    if (k !== this.vapidPublicKey()) return "k is not the node's VAPID public key";
    const [h, p, s] = jwt!.split(".");
    const head = JSON.parse(Buffer.from(h!, "base64url").toString());
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString());
    if (head.alg !== "ES256") return `alg ${head.alg}`;
    if (claims.aud !== this.origin) return `aud ${claims.aud} is not ${this.origin}`;
    if (!(claims.exp > Date.now() / 1000)) return "exp is in the past";
    if (!/^(mailto:|https:)/.test(String(claims.sub))) return `sub ${claims.sub}`;
    const point = Buffer.from(k!, "base64url");
    const key = createPublicKey({
      key: {
        kty: "EC",
        crv: "P-256",
        x: point.subarray(1, 33).toString("base64url"),
        y: point.subarray(33, 65).toString("base64url"),
      },
      format: "jwk",
    });
    const ok = verify(
      "sha256",
      Buffer.from(`${h}.${p}`),
      { key, dsaEncoding: "ieee-p1363" },
      Buffer.from(s!, "base64url"),
    );
    return ok ? undefined : "JWT signature does not verify with k";
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const name = (req.url ?? "").replace(/^\/push\//, "");
    if (this.gone.has(name)) {
      this.goneHits++;
      res.writeHead(410).end();
      return this.wake();
    }
    if (this.failNext > 0) {
      this.failNext--;
      res.writeHead(503).end();
      return this.wake();
    }
    const keys = this.keys.get(name);
    const vapidProblem = this.checkVapid(req.headers.authorization);
    if (!keys || vapidProblem || req.headers["content-encoding"] !== "aes128gcm") {
      this.refused.push(vapidProblem ?? `unknown subscription or encoding: ${name}`);
      res.writeHead(vapidProblem ? 403 : 400).end();
      return this.wake();
    }
    try {
      const plain = decrypt(Buffer.concat(chunks), {
        version: "aes128gcm",
        privateKey: keys.ecdh,
        authSecret: keys.auth,
      });
      this.received.push({
        subscription: name,
        payload: JSON.parse(plain.toString("utf8")),
        ttl: req.headers.ttl as string | undefined,
        urgency: req.headers.urgency as string | undefined,
      });
      res.writeHead(201).end();
    } catch (err) {
      this.refused.push(`decrypt failed: ${(err as Error).message}`);
      res.writeHead(400).end();
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
