// Writing envelopes (group messages, welcomes): the one statement of envelope-sql.ts,
// fed by a batcher that merges concurrent sends (batcher.ts), optionally taking each
// send's rate-limit charge in the same statement (rate-buckets.ts), then the wake-ups.
import { hash } from "node:crypto";
import type { BusEvent, TopicKey } from "../stream/bus";
import { nowNs } from "../clock";
import { errorFields, log } from "../log";
import { Batcher } from "./batcher";
import type { Driver } from "./driver";
import { envelopeInsertOneParams, envelopeInsertOneSql } from "./envelope-one-sql";
import { envelopeInsertParams, envelopeInsertSql, type EnvelopeSpec } from "./envelope-sql";
import type { BucketCharge, BucketRefusal, BucketTaken } from "./rate-buckets";
import {
  groupRow,
  toBigInt,
  welcomeRow,
  type GroupMessageRow,
  type WelcomeMessageRow,
} from "./rows";

export interface GroupMessageInsert {
  groupId: Uint8Array;
  data: Uint8Array;
  senderHmac: Uint8Array;
  shouldPush: boolean;
  /** The MLS framing says commit (XMTP's GroupMessage.is_commit); default false. */
  isCommit?: boolean;
}

export interface WelcomeMessageInsert {
  installationKey: Uint8Array;
  data: Uint8Array;
  hpkePublicKey: Uint8Array;
  wrapperAlgorithm: number;
  /** XMTP's WelcomeMessage.WelcomePointer: `data` holds the wrapped welcome_pointer. */
  isPointer?: boolean;
  /** V1 welcome_metadata (empty for pointers). */
  welcomeMetadata?: Uint8Array;
}

export const GROUP_MESSAGES: EnvelopeSpec<GroupMessageInsert, GroupMessageRow> = {
  table: "group_messages",
  topicColumn: "group_id",
  topicPrefix: "g:",
  idBefore: "group_message_id_before",
  columns: [
    { name: "sender_hmac", type: "bytea" },
    { name: "should_push", type: "boolean" },
    { name: "is_commit", type: "boolean" },
  ],
  key: (m) => m.groupId,
  values: (m) => [m.senderHmac, m.shouldPush, m.isCommit ?? false],
  toRow: groupRow,
  // One index probe per group in the same statement instead of a lookup per message afterwards.
  returning: (key) => `EXISTS (SELECT 1 FROM push_topics p WHERE p.group_id = ${key}) AS push`,
};

export const WELCOME_MESSAGES: EnvelopeSpec<WelcomeMessageInsert, WelcomeMessageRow> = {
  table: "welcome_messages",
  topicColumn: "installation_key",
  topicPrefix: "w:",
  idBefore: "welcome_message_id_before",
  columns: [
    { name: "hpke_public_key", type: "bytea" },
    { name: "wrapper_algorithm", type: "integer" },
    { name: "is_pointer", type: "boolean" },
    { name: "welcome_metadata", type: "bytea" },
  ],
  key: (m) => m.installationKey,
  values: (m) => [
    m.hpkePublicKey,
    m.wrapperAlgorithm,
    m.isPointer ?? false,
    m.welcomeMetadata ?? new Uint8Array(),
  ],
  toRow: welcomeRow,
};

/** A send whose rate-limit charge its statement refused: nothing of it was stored. */
export class WriteRefusedError extends Error {
  constructor(readonly taken: BucketRefusal) {
    super("rate limit: the send's buckets could not pay");
  }
}

/** preparedThen's `then` where no wake-up went with the insert: notify after. */
const NOT_SENT: Promise<unknown> = Promise.resolve("not sent");
/** Its `then` where no wake-up went because no other node listened. */
const UNANNOUNCED_MARK = Symbol("alone");
const UNANNOUNCED: Promise<unknown> = Promise.resolve(UNANNOUNCED_MARK);

/** The envelopes' outcomes once their statement was announced to the other nodes. */
async function told<R>(stored: Stored<R>[]): Promise<Written<R>[]> {
  // A caller's envelopes share one statement (the batcher never splits a request): one promise.
  await Promise.all(new Set(stored.map((s) => s.told)));
  return stored.map((s) => s.written);
}

/** Node's native hex: the publish path encodes every envelope's bytes (lib's toHex is a JS loop). */
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

// One-shot: no Hash object per message (~1.2 µs less each, a batch hashes every envelope).
const sha256 = (b: Uint8Array): Uint8Array => hash("sha256", b, "buffer");

/** One envelope of a send, with the send's charge (the same object for all its envelopes). */
interface Pending<I> {
  m: I;
  charge?: BucketCharge;
}
type Written<R> = R | { refused: BucketRefusal };
/**
 * One envelope's outcome, and its statement's announcement to the other nodes (resolves
 * once they were told): the statement's slot is free before that, its callers wait for it.
 */
interface Stored<R> {
  written: Written<R>;
  told: Promise<void>;
}

export interface EnvelopeWriterOptions {
  /** Statements in flight at once. */
  slots: number;
  /** Items waiting before a statement opens beside a running one (batcher.ts). */
  extraSlotItems?: number;
  /** Tells this process's streams (the bus). */
  publish: (events: BusEvent[]) => void;
  /** Tells the other nodes after commit (notifier.ts); resolves once they were told. */
  notify?: (events: BusEvent[]) => Promise<void>;
  /**
   * Instead of notify where the driver pipelines (Driver.preparedThen): the statement
   * that tells the other nodes about these topics, sent in the insert's round trip.
   */
  wake?: (
    where: { table: string; column: string },
    topics: Iterable<TopicKey>,
  ) => { text: string; params: unknown[] };
  /** No other node listens (peers.ts): a send skips its wake-up. */
  alone?: () => boolean;
  /** A send that started alone: `done` settles once it finished and, if needed, announced. */
  quiet?: (done: Promise<void>) => void;
}

export class EnvelopeWriter<
  I extends { data: Uint8Array },
  R extends GroupMessageRow | WelcomeMessageRow,
> {
  private readonly sends: Batcher<Pending<I>, Stored<R>>;
  private readonly sql = new Map<string, string>();

  constructor(
    private readonly driver: Driver,
    private readonly spec: EnvelopeSpec<I, R>,
    private readonly opts: EnvelopeWriterOptions,
  ) {
    this.sends = new Batcher((items: Pending<I>[]) => this.write(items), {
      slots: opts.slots,
      extraSlotItems: opts.extraSlotItems,
      maxItems: 1000,
      maxBytes: 8 * 1024 * 1024, // one maximal request's worth
      bytes: (p) => p.m.data.length,
      // One statement cannot take from a bucket twice: a client's next send waits for the next.
      claims: (items) => {
        const c = items[0]?.charge;
        return c ? [c.keyOne, c.keyAll] : [];
      },
    });
  }

  /** All-or-nothing, alone in its statement. */
  async insert(inputs: I[]): Promise<R[]> {
    return (await told(await this.write(inputs.map((m) => ({ m }))))) as R[];
  }

  /**
   * insert for the API: merged with the sends that wait for the database at the same
   * moment into one statement (batcher.ts), taking `charge` in it. Same result,
   * all-or-nothing per call; throws WriteRefusedError when the charge was refused.
   */
  async publish(inputs: I[], charge?: BucketCharge): Promise<R[]> {
    const out = await told(await this.sends.submit(inputs.map((m) => ({ m, charge }))));
    const refused = out.find((r): r is { refused: BucketRefusal } => "refused" in r);
    if (refused) throw new WriteRefusedError(refused.refused);
    return out as R[];
  }

  /**
   * All-or-nothing, under the topics' advisory locks (ids become visible in order).
   * An envelope byte-identical to one already in its topic is not stored again; the
   * existing row is returned in its place.
   *
   * One statement, so one round trip (it was five: BEGIN, lock, INSERT, NOTIFY, COMMIT,
   * plus one INSERT per extra message, plus the rate-limit take): envelopeInsertSql
   * locks every topic of the batch, in a fixed order, before a single id is drawn, and
   * inserts in request order, inside the statement's own transaction. Other nodes are
   * told after commit (notifier.ts): a NOTIFY inside would serialise every send's commit.
   */
  private async write(items: Pending<I>[]): Promise<Stored<R>[]> {
    if (!this.opts.alone?.()) return this.writeAnnounced(items, false);
    let settle!: () => void;
    this.opts.quiet?.(new Promise<void>((resolve) => (settle = resolve)));
    try {
      const out = await this.writeAnnounced(items, true);
      void (out[0]?.told ?? Promise.resolve()).finally(settle);
      return out;
    } catch (err) {
      settle();
      throw err;
    }
  }

  /** write, `alone`: without the wake-up (announced after all if a node appeared meanwhile). */
  private async writeAnnounced(items: Pending<I>[], alone: boolean): Promise<Stored<R>[]> {
    const spec = this.spec;
    const createdNs = nowNs();
    const inputs = items.map((p) => p.m);
    const hashBytes = Buffer.allocUnsafe(32 * inputs.length);
    inputs.forEach((m, i) => hashBytes.set(sha256(m.data), 32 * i));
    const keys = inputs.map((m) => hex(spec.key(m)));
    const values = inputs.map((m) => spec.values(m));
    const each = items.map((p) => p.charge);
    const charged = each.some((c) => c !== undefined);
    const distinct = [...new Set(each.filter((c) => c !== undefined))];
    // A batch of one (a lone send): the lighter statement of the same rules (envelope-one-sql.ts).
    const one = inputs.length === 1;
    const form = `${one ? "one" : "many"}${charged ? "+charge" : ""}`;
    let sql = this.sql.get(form);
    if (!sql) {
      sql = one
        ? envelopeInsertOneSql(spec, charged)
        : envelopeInsertSql(spec, charged, this.driver.kind === "pglite");
      this.sql.set(form, sql);
    }
    const params = one
      ? envelopeInsertOneParams(spec, inputs[0]!, hashBytes, values[0]!, createdNs, distinct[0])
      : envelopeInsertParams(
          spec,
          inputs,
          hashBytes,
          values,
          createdNs,
          charged ? { each, distinct } : undefined,
        );
    type Result = {
      ids: string | null;
      prev?: unknown;
      push?: boolean;
      bucket?: string;
      refilled?: number;
      took?: boolean;
    };
    // Other nodes are woken in the same round trip where the driver pipelines, else after.
    const wake =
      !alone &&
      this.driver.preparedThen &&
      this.opts.wake?.(
        { table: spec.table, column: spec.topicColumn },
        new Set(keys.map((k) => spec.topicPrefix + k)),
      );
    const { rows: result, then: woken } = wake
      ? await this.driver.preparedThen!<Result>(sql, params, wake)
      : {
          rows: await this.driver.prepared<Result>(sql, params),
          then: alone ? UNANNOUNCED : NOT_SENT,
        };
    const taken = new Map<string, BucketTaken>();
    // Per input (by position): its id, and its topic's row (prev, push); none: stored before.
    const ids: (bigint | undefined)[] = new Array(inputs.length);
    const topicOf: Result[] = new Array(inputs.length);
    for (const r of result) {
      if (r.ids === null) {
        taken.set(r.bucket!, { refilled: Number(r.refilled), took: r.took === true });
        continue;
      }
      for (const pair of r.ids.split(",")) {
        const space = pair.indexOf(" ");
        const at = Number(pair.slice(0, space)) - 1;
        ids[at] = BigInt(pair.slice(space + 1));
        topicOf[at] = r;
      }
    }
    const refusalOf = (c: BucketCharge | undefined) => {
      // Buckets come back only when one could not pay (takenRows).
      if (!c || taken.size === 0) return undefined;
      const one = taken.get(c.keyOne)!;
      const all = taken.get(c.keyAll)!;
      return one.took && all.took ? undefined : { refused: { one, all } };
    };
    const out: Written<R>[] = [];
    // One event per topic, carrying its new rows.
    const events = new Map<TopicKey, BusEvent & { inserted: { prev: bigint; rows: R[] } }>();
    const again: BusEvent[] = [];
    const published = new Set<bigint>();
    for (const [i, m] of inputs.entries()) {
      const refused = refusalOf(each[i]);
      if (refused) {
        out.push(refused);
        continue;
      }
      const id = ids[i];
      if (id === undefined) {
        // Stored before (a retried send): the existing row stands in for it.
        const existing = await this.driver.query(
          `SELECT * FROM ${spec.table} WHERE ${spec.topicColumn} = $1 AND content_hash = $2`,
          [spec.key(m), sha256(m.data)],
        );
        const row = spec.toRow(existing[0]!);
        out.push(row);
        again.push({ topic: spec.topicPrefix + keys[i], id: row.id });
        continue;
      }
      const topicRow = topicOf[i]!;
      const raw: Record<string, unknown> = {
        id,
        created_ns: createdNs,
        [spec.topicColumn]: spec.key(m),
        data: m.data,
        push: topicRow.push,
      };
      spec.columns.forEach((c, j) => (raw[c.name] = values[i]![j]));
      const row = spec.toRow(raw);
      out.push(row);
      // The same envelope twice in one batch is one row, told once.
      if (published.has(id)) continue;
      published.add(id);
      const topic = spec.topicPrefix + keys[i];
      const event = events.get(topic);
      if (!event) {
        const prev = topicRow.prev == null ? 0n : toBigInt(topicRow.prev, "prev");
        events.set(topic, { topic, id, inserted: { prev, rows: [row] } });
      } else {
        if (id > event.id) event.id = id;
        event.inserted.rows.push(row);
      }
    }
    // Request order is id order within a topic (envelope-sql.ts); sorted so that the
    // streams' "every id in (prev, id], ascending" never rests on it.
    for (const e of events.values()) e.inserted.rows.sort((a, b) => (a.id < b.id ? -1 : 1));
    this.opts.publish([...events.values()]);
    // Acknowledged only once every node was told (callers await `told`). A retry of a
    // send whose node died between commit and wake-up finds its rows stored: they are
    // announced again.
    const announced = woken.then(async (thenError) => {
      // Alone: announced only if another node appeared while the statement ran.
      if (thenError === UNANNOUNCED_MARK && this.opts.alone?.()) return;
      if (!thenError) return;
      if (wake) log.warn("wake-up statement failed, notifying after", errorFields(thenError));
      await this.opts.notify?.([...events.values(), ...again]);
    });
    announced.catch(() => undefined); // its callers get the error
    return out.map((written) => ({ written, told: announced }));
  }
}
