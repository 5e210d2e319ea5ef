import { NodeClient } from "../api";
import { defaultRegistry, type CodecRegistry } from "../content";
import { MessengerDb } from "../storage";
import type { Signer } from "../signer";
import type { ClientContext } from "./context";
import { Conversations } from "./conversations";
import { normalizeAddress } from "./errors";
import { IdentityResolver } from "./identity-resolver";
import { ensureKeyPackage } from "./key-packages";
import { MessageBus } from "./message-bus";
import { loadOrRegisterInstallation } from "./registration";
import type { ReceiveLog } from "./receive";
import { StreamEngine } from "./stream";
import { resumeOutbox } from "./send";
import { toHex } from "../crypto";
import type { ClientOptions } from "./types";

/**
 * The facade every view and test uses (shaped like XMTP's SDKs).
 * `Client.create` reuses this database's installation when it has one: no
 * signature, no new installation. A first run costs exactly one signature.
 */
export class Client {
  readonly conversations: Conversations;
  private readonly engine: StreamEngine;

  private constructor(
    private readonly ctx: ClientContext,
    log?: ReceiveLog,
  ) {
    this.engine = new StreamEngine(ctx, log);
    this.conversations = new Conversations(ctx, this.engine, log);
  }

  static async create(
    signer: Signer,
    opts: ClientOptions & { log?: ReceiveLog; codecs?: CodecRegistry },
  ): Promise<Client> {
    const address = normalizeAddress((await signer.getIdentifier()).identifier);
    const dbName = opts.dbName ?? `messenger-${address}`;
    const db = new MessengerDb(dbName, {
      ...(opts.indexedDB ? { indexedDB: opts.indexedDB } : {}),
      ...(opts.IDBKeyRange ? { IDBKeyRange: opts.IDBKeyRange } : {}),
    });
    const api = new NodeClient(opts.apiUrl, {}, opts.fetch);
    const identity = await loadOrRegisterInstallation(db, api, signer);
    const ctx: ClientContext = {
      db,
      api,
      address,
      installation: {
        inboxId: identity.inboxId,
        publicKey: identity.installationPublicKey,
        privateKey: identity.installationPrivateKey,
      },
      resolver: new IdentityResolver(api),
      codecs: opts.codecs ?? defaultRegistry(),
      bus: new MessageBus(),
      lockPrefix: dbName,
    };
    await ensureKeyPackage(ctx);
    const client = new Client(ctx, opts.log);
    await resumeOutbox(ctx);
    return client;
  }

  get inboxId(): string {
    return this.ctx.installation.inboxId;
  }

  /** Hex of this installation's Ed25519 public key. */
  get installationId(): string {
    return toHex(this.ctx.installation.publicKey);
  }

  get address(): string {
    return this.ctx.address;
  }

  /** Whether each address has activated messaging (lowercased address → boolean). */
  async canMessage(addresses: string[]): Promise<Map<string, boolean>> {
    const normalized = addresses.map(normalizeAddress);
    const found = await this.ctx.api.getInboxIds(normalized);
    return new Map(normalized.map((a) => [a, found.has(a)]));
  }

  /** Stops streams and closes the database. */
  async close(): Promise<void> {
    this.engine.release();
    await this.engine.stopped().catch(() => undefined);
    this.ctx.db.close();
  }
}
