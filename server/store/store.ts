// The node's store: one implementation over either driver. Ordering rule (see
// TOOLCHAIN.md): every insert into a topic (group / welcome inbox / identity log / commit log)
// takes a transaction-scoped advisory lock on that topic BEFORE drawing ids, so
// ids of one topic become visible in id order and `id > cursor` never skips a row.
import { randomUUID } from "node:crypto";
import { toHex } from "../../lib/crypto";
import { nowNs } from "../clock";
import { errorFields, log } from "../log";
import type { BusEvent, EventBus, TopicKey } from "../stream/bus";
import type { Driver } from "./driver";
import {
  insertCommitLogEntries,
  queryCommitLog,
  type CommitLogInsert,
  type CommitLogRow,
} from "./commit-log";
import { migrate } from "./migrations";
import {
  EnvelopeWriter,
  GROUP_MESSAGES,
  type EnvelopeWriterOptions,
  WELCOME_MESSAGES,
  type GroupMessageInsert,
  type WelcomeMessageInsert,
} from "./envelopes";
import { Notifier, unpackPayload, wakeStatement } from "./notifier";
import { Peers } from "./peers";
import type { BucketCharge } from "./rate-buckets";
import { lockTopics, pageSql, type Page } from "./topic-sql";
import {
  groupRow,
  identityRow,
  toBigInt,
  toBytes,
  welcomeRow,
  type GroupMessageRow,
  type IdentityUpdateRow,
  type WelcomeMessageRow,
} from "./rows";

export type { GroupMessageInsert, WelcomeMessageInsert } from "./envelopes";

export interface IdentityAppend {
  bytes: Uint8Array;
  serverTimestampNs: bigint;
  addressesAdded: string[];
  addressesRemoved: string[];
  /** Hex signatures this update introduced. */
  signatures: string[];
}

/** What a caller may do while holding one inbox's lock. */
export interface InboxTx {
  readLog(): Promise<IdentityUpdateRow[]>;
  lastSequenceId(): Promise<bigint>;
  /** Which of these hex signatures the node has already accepted (any inbox). */
  seenSignatures(signatures: string[]): Promise<string[]>;
  append(input: IdentityAppend): Promise<bigint>;
}

export type { Direction, Page } from "./topic-sql";

export const groupTopic = (groupId: Uint8Array): TopicKey => `g:${toHex(groupId)}`;
export const welcomeTopic = (installationKey: Uint8Array): TopicKey =>
  `w:${toHex(installationKey)}`;

/** Send statements in flight at once on PostgreSQL (of the pool's 10 connections). */
const PG_SEND_SLOTS = 2;
/** Messages waiting before the second opens: a batched request's worth, not a lone send. */
const PG_EXTRA_SLOT_ITEMS = 64;

export class Store {
  private readonly nodeId = randomUUID().slice(0, 8);
  /** How every line of this node's wake-ups starts. */
  private readonly ownLine = `${this.nodeId} `;
  private readonly channel: string;
  /** Cross-node wake-ups (PostgreSQL); PGlite is one process, its bus is enough. */
  private readonly notifier: Notifier | undefined;
  /** The other nodes on this database, so that a node alone skips its wake-ups. */
  private readonly peers: Peers | undefined;
  private readonly groups: EnvelopeWriter<GroupMessageInsert, GroupMessageRow>;
  private readonly welcomes: EnvelopeWriter<WelcomeMessageInsert, WelcomeMessageRow>;

  private constructor(
    readonly driver: Driver,
    private readonly bus: EventBus,
    schema: string,
  ) {
    this.channel = `messenger_events_${schema}`;
    const notify = driver.notify?.bind(driver);
    this.notifier = notify && new Notifier(this.nodeId, (p) => notify(this.channel, p));
    this.peers =
      notify &&
      new Peers(
        this.nodeId,
        (payload) => notify(this.channel, [payload]),
        () => bus.resync(),
      );
    const writing: EnvelopeWriterOptions = {
      // PGlite runs one statement at a time anyway; PostgreSQL gets a few at once.
      slots: driver.kind === "pglite" ? 1 : PG_SEND_SLOTS,
      extraSlotItems: PG_EXTRA_SLOT_ITEMS,
      publish: (events) => this.publish(events),
      notify: this.notifier && ((events) => this.notifier!.add(events)),
      wake:
        this.notifier &&
        ((where, topics) => wakeStatement(where, this.channel, this.nodeId, topics)),
      alone: this.peers && (() => this.peers!.alone),
      quiet: this.peers && ((done) => this.peers!.track(done)),
    };
    this.groups = new EnvelopeWriter(driver, GROUP_MESSAGES, writing);
    this.welcomes = new EnvelopeWriter(driver, WELCOME_MESSAGES, writing);
  }

  static async open(driver: Driver, bus: EventBus, schema = "public"): Promise<Store> {
    const store = new Store(driver, bus, schema);
    const applied = await migrate(driver);
    if (applied > 0) log.info("migrations applied", { count: applied, driver: driver.kind });
    // Each backend compiles the send statements' PL/pgSQL function and loads the
    // envelope tables on its first call: done here rather than in the first sends.
    await driver.warm?.([
      `SELECT ${GROUP_MESSAGES.idBefore}(''::bytea, 1), ${WELCOME_MESSAGES.idBefore}(''::bytea, 1)`,
    ]);
    if (driver.listen) {
      await driver.listen(
        store.channel,
        (p) => store.onNotify(p),
        () => bus.resync(),
      );
      await store.peers?.start((await driver.otherListeners?.()) ?? 0);
    }
    return store;
  }

  get kind(): Driver["kind"] {
    return this.driver.kind;
  }

  close(): Promise<void> {
    this.peers?.stop();
    return this.driver.close();
  }

  /** Readiness: the database answers a trivial query within `timeoutMs`. */
  async ping(timeoutMs = 2000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([
        this.driver.query("SELECT 1 AS ok").then(
          () => true,
          () => false,
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- fan-out -----------------------------------------------------------

  private onNotify(payload: string): void {
    // A payload carries one node's lines (notifier.ts): ours went through the bus already,
    // and each of our sends' wake-ups comes back here.
    if (payload.startsWith(this.ownLine)) return;
    const lines = unpackPayload(payload, (line) =>
      log.warn("bad notification payload", { line: line.slice(0, 100) }),
    );
    for (const { origin, event } of lines) {
      if (origin === this.nodeId) continue; // ours went through the bus already
      if (this.peers?.onLine(origin, event.topic)) continue; // a heartbeat or an ack
      try {
        this.bus.publish(event);
      } catch (err) {
        log.warn("bus listener failed", errorFields(err));
      }
    }
  }

  private publish(events: BusEvent[]): void {
    for (const e of events) this.bus.publish(e);
  }

  // ---- identity ----------------------------------------------------------

  /** Runs fn holding the inbox's lock in one transaction; a throw stores nothing. */
  withInboxLock<T>(inboxId: string, fn: (tx: InboxTx) => Promise<T>): Promise<T> {
    return this.driver.transaction(async (tx) => {
      await lockTopics(tx, [`i:${inboxId}`]);
      return fn({
        readLog: async () =>
          (
            await tx.query(
              "SELECT * FROM identity_updates WHERE inbox_id = $1 ORDER BY sequence_id",
              [inboxId],
            )
          ).map(identityRow),
        lastSequenceId: async () => {
          const rows = await tx.query<{ m: unknown }>(
            "SELECT COALESCE(MAX(sequence_id), 0) AS m FROM identity_updates WHERE inbox_id = $1",
            [inboxId],
          );
          return toBigInt(rows[0]?.m ?? 0, "sequence_id");
        },
        seenSignatures: async (signatures) => {
          const seen: string[] = [];
          for (const s of signatures) {
            const rows = await tx.query("SELECT 1 FROM seen_signatures WHERE signature = $1", [s]);
            if (rows.length > 0) seen.push(s);
          }
          return seen;
        },
        append: async (input) => {
          const rows = await tx.query<{ sequence_id: unknown }>(
            "INSERT INTO identity_updates (inbox_id, server_timestamp_ns, bytes) VALUES ($1, $2, $3) RETURNING sequence_id",
            [inboxId, input.serverTimestampNs, input.bytes],
          );
          const seq = toBigInt(rows[0]?.sequence_id, "sequence_id");
          for (const address of input.addressesRemoved) {
            await tx.query("DELETE FROM inbox_addresses WHERE address = $1 AND inbox_id = $2", [
              address,
              inboxId,
            ]);
          }
          for (const address of input.addressesAdded) {
            await tx.query(
              `INSERT INTO inbox_addresses (address, inbox_id, sequence_id) VALUES ($1, $2, $3)
               ON CONFLICT (address, inbox_id) DO UPDATE SET sequence_id = EXCLUDED.sequence_id`,
              [address, inboxId, seq],
            );
          }
          for (const s of input.signatures) {
            await tx.query(
              "INSERT INTO seen_signatures (signature, inbox_id, sequence_id) VALUES ($1, $2, $3)",
              [s, inboxId, seq],
            );
          }
          return seq;
        },
      });
    });
  }

  async readIdentityLog(inboxId: string, afterSequenceId = 0n): Promise<IdentityUpdateRow[]> {
    const rows = await this.driver.query(
      "SELECT * FROM identity_updates WHERE inbox_id = $1 AND sequence_id > $2 ORDER BY sequence_id",
      [inboxId, afterSequenceId],
    );
    return rows.map(identityRow);
  }

  /** The inbox that most recently associated each address (lowercase) and still holds it. */
  async inboxIdsForAddresses(addresses: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const address of new Set(addresses)) {
      const rows = await this.driver.query<{ inbox_id: string }>(
        "SELECT inbox_id FROM inbox_addresses WHERE address = $1 ORDER BY sequence_id DESC LIMIT 1",
        [address],
      );
      if (rows[0]) out.set(address, rows[0].inbox_id);
    }
    return out;
  }

  // ---- key packages ------------------------------------------------------

  /**
   * Stores an installation's key package unless the node holds a newer one: the
   * upload wins when its not_before is at least the stored one's (an identical
   * re-upload is a no-op). One statement, so racing uploads cannot go back in time.
   * Returns undefined when stored, else the not_before of the newer one kept.
   */
  async upsertKeyPackage(
    installationKey: Uint8Array,
    inboxId: string,
    keyPackage: Uint8Array,
    notBefore: bigint,
  ): Promise<bigint | undefined> {
    const rows = await this.driver.query(
      `INSERT INTO key_packages (installation_key, inbox_id, created_ns, key_package, not_before)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (installation_key) DO UPDATE
       SET inbox_id = EXCLUDED.inbox_id, created_ns = EXCLUDED.created_ns,
           key_package = EXCLUDED.key_package, not_before = EXCLUDED.not_before
       WHERE key_packages.not_before <= EXCLUDED.not_before
       RETURNING installation_key`,
      [installationKey, inboxId, nowNs(), keyPackage, notBefore],
    );
    if (rows.length > 0) return undefined;
    const kept = await this.driver.query<{ not_before: unknown }>(
      "SELECT not_before FROM key_packages WHERE installation_key = $1",
      [installationKey],
    );
    return toBigInt(kept[0]?.not_before ?? 0, "not_before");
  }

  /** Hex installation key -> stored key package and the inbox its credential names. */
  async fetchKeyPackages(
    installationKeys: Uint8Array[],
  ): Promise<Map<string, { inboxId: string; keyPackage: Uint8Array }>> {
    const out = new Map<string, { inboxId: string; keyPackage: Uint8Array }>();
    const distinct = [...new Map(installationKeys.map((k) => [toHex(k), k])).values()];
    for (let i = 0; i < distinct.length; i += 100) {
      const chunk = distinct.slice(i, i + 100);
      const marks = chunk.map((_, j) => `$${j + 1}`).join(", ");
      const rows = await this.driver.query(
        `SELECT installation_key, inbox_id, key_package FROM key_packages WHERE installation_key IN (${marks})`,
        chunk,
      );
      for (const r of rows)
        out.set(toHex(toBytes(r.installation_key, "installation_key")), {
          inboxId: String(r.inbox_id),
          keyPackage: toBytes(r.key_package, "key_package"),
        });
    }
    return out;
  }

  // ---- group messages ----------------------------------------------------

  /**
   * All-or-nothing. A message byte-identical to one already in its group is not
   * stored again; the existing row is returned in its place.
   */
  insertGroupMessages(inputs: GroupMessageInsert[]): Promise<GroupMessageRow[]> {
    return this.groups.insert(inputs);
  }

  /**
   * insertGroupMessages for the API: merged with the sends that wait for the database at
   * the same moment into one statement, which takes `charge` too (envelopes.ts). Same
   * result, all-or-nothing per call; WriteRefusedError when the charge was refused.
   */
  publishGroupMessages(
    inputs: GroupMessageInsert[],
    charge?: BucketCharge,
  ): Promise<GroupMessageRow[]> {
    return this.groups.publish(inputs, charge);
  }

  async queryGroupMessages(groupId: Uint8Array, page: Page): Promise<GroupMessageRow[]> {
    const rows = await this.driver.query(pageSql("group_messages", "group_id", page.direction), [
      groupId,
      page.cursor,
      page.limit,
    ]);
    return rows.map(groupRow);
  }

  /** Each group's newest message (XMTP's GetNewestGroupMessage): one index probe per group. */
  async newestGroupMessages(groupIds: Uint8Array[]): Promise<Map<string, GroupMessageRow>> {
    const out = new Map<string, GroupMessageRow>();
    if (groupIds.length === 0) return out;
    const rows = await this.driver.query(
      `SELECT m.* FROM unnest(string_to_array($1, ',')) AS t(k)
       CROSS JOIN LATERAL (SELECT * FROM group_messages g WHERE g.group_id = decode(t.k, 'hex')
                           ORDER BY g.id DESC LIMIT 1) m`,
      [[...new Set(groupIds.map(toHex))].join(",")],
    );
    for (const r of rows) {
      const row = groupRow(r);
      out.set(toHex(row.groupId), row);
    }
    return out;
  }

  /**
   * Which of these (key, cursor) pairs have a row after their cursor: 1-based
   * positions, ascending. One query for the whole batch (an index probe per pair), so
   * a stream's catch-up costs one statement per batch of filters, plus pages only for
   * the topics that have something new. Keys and cursors travel as text lists: both
   * drivers pass a plain string the same way.
   */
  async topicsWithNewer(
    kind: "g" | "w",
    pairs: { key: Uint8Array; cursor: bigint }[],
  ): Promise<number[]> {
    if (pairs.length === 0) return [];
    const [table, column] =
      kind === "g" ? ["group_messages", "group_id"] : ["welcome_messages", "installation_key"];
    const rows = await this.driver.query<{ i: unknown }>(
      `SELECT t.i AS i
       FROM unnest(string_to_array($1, ','), string_to_array($2, ',')) WITH ORDINALITY AS t(k, c, i)
       WHERE EXISTS (SELECT 1 FROM ${table} m WHERE m.${column} = decode(t.k, 'hex') AND m.id > t.c::bigint)
       ORDER BY t.i`,
      [pairs.map((p) => toHex(p.key)).join(","), pairs.map((p) => p.cursor.toString()).join(",")],
    );
    return rows.map((r) => Number(toBigInt(r.i, "i")));
  }

  // ---- welcomes ----------------------------------------------------------

  insertWelcomeMessages(inputs: WelcomeMessageInsert[]): Promise<WelcomeMessageRow[]> {
    return this.welcomes.insert(inputs);
  }

  /** insertWelcomeMessages merged with concurrent sends, like publishGroupMessages. */
  publishWelcomeMessages(
    inputs: WelcomeMessageInsert[],
    charge?: BucketCharge,
  ): Promise<WelcomeMessageRow[]> {
    return this.welcomes.publish(inputs, charge);
  }

  // ---- commit logs -------------------------------------------------------

  insertCommitLog(inputs: CommitLogInsert[]): Promise<CommitLogRow[]> {
    return insertCommitLogEntries(this.driver, inputs);
  }

  queryCommitLog(groupId: Uint8Array, page: Page): Promise<CommitLogRow[]> {
    return queryCommitLog(this.driver, groupId, page);
  }

  async queryWelcomeMessages(
    installationKey: Uint8Array,
    page: Page,
  ): Promise<WelcomeMessageRow[]> {
    const rows = await this.driver.query(
      pageSql("welcome_messages", "installation_key", page.direction),
      [installationKey, page.cursor, page.limit],
    );
    return rows.map(welcomeRow);
  }
}
