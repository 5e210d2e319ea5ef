// The one statement that stores a batch of envelopes (group messages or welcomes).
// Why one statement: each round trip to the database costs more than the insert
// itself, so a send that took BEGIN, lock, INSERT, NOTIFY and COMMIT ran at a seventh
// of a raw INSERT. Run alone it is its own transaction, so:
//   - `locks` takes every topic's advisory lock (sorted, so batches sharing topics
//     cannot deadlock) and `ins` joins its one-row count, so no id is drawn before all
//     locks are held; they are released at commit: a topic's ids become visible in id
//     order and `id > cursor` never skips a row (TOOLCHAIN.md); one lock per topic per
//     batch, however many of its messages the batch holds;
//   - rows are inserted in request order (ORDER BY ord below the insert), so a
//     topic's ids follow the request.
//   - with `charged`, the sends' rate-limit charges are taken first (rate-buckets.ts):
//     a request whose buckets could not pay stores nothing; the take's rows come back
//     with the inserted ones. Bucket rows, then advisory locks, in every statement that
//     takes both, so two of them cannot deadlock.
// NOTIFY is not in here: a notifying transaction serialises every other one's commit
// in PostgreSQL (notifier.ts sends the wake-ups after commit).
// One result row per topic, not per envelope: PGlite turned each returned field into an
// ArrayBuffer copy and a decoded string in JS, ~a fifth of a batch's cost there.
// Bytes travel as ONE bytea parameter per column (the values end to end) plus their
// start and length lists, cut apart by substring() in the statement: node-postgres sends
// a Buffer parameter in binary, so no hex. As hex text arrays, building, escaping and
// encoding the arrays was the node's largest cost in a 100-message send, and decoding
// them PostgreSQL's. Other columns (booleans, integers) travel as comma lists, as the
// starts and lengths do: a plain string both drivers pass alike, where a text array was
// built into an array literal element by element in the driver (PGlite's thread). The
// charged sends' bucket keys stay text arrays (a key may hold any character).

import { bucketTakeParams, bucketTakeSql, type BucketCharge } from "./rate-buckets";

export interface EnvelopeColumn {
  name: string;
  type: "bytea" | "boolean" | "integer";
}

export interface EnvelopeSpec<I, R> {
  table: "group_messages" | "welcome_messages";
  topicColumn: "group_id" | "installation_key";
  /** The bus topic's prefix ("g:" / "w:"), followed by the key in hex (groupTopic / welcomeTopic). */
  topicPrefix: string;
  /** Columns besides the topic key, data, created_ns and content_hash. */
  columns: EnvelopeColumn[];
  key: (m: I) => Uint8Array;
  values: (m: I) => unknown[];
  toRow: (raw: Record<string, unknown>) => R;
  /** The migration's function `(key, below)` → the topic's largest id under `below` (migrations.ts). */
  idBefore: string;
  /** One more column returned per topic: an SQL expression over its key (e.g. `… AS push`). */
  returning?: (key: string) => string;
}

/** Values laid end to end, with each one's 1-based start and length as comma-separated lists. */
export interface PackedBytes {
  blob: Uint8Array;
  starts: string;
  lengths: string;
}

export function packBytes(values: readonly Uint8Array[]): PackedBytes {
  const blob = Buffer.allocUnsafe(values.reduce((n, v) => n + v.byteLength, 0));
  const starts: number[] = [];
  const lengths: number[] = [];
  let at = 0;
  for (const v of values) {
    blob.set(v, at);
    starts.push(at + 1);
    lengths.push(v.byteLength);
    at += v.byteLength;
  }
  return { blob, starts: starts.join(","), lengths: lengths.join(",") };
}

/**
 * The send statements' result columns for the charge, and the take's rows after the
 * topics' rows: only when a bucket could not pay (then every bucket's, so a refused send
 * reports both of its own), as a send that paid needs none of them back: most statements
 * returned two rows per send for nothing.
 */
export function takenRows<I, R>(spec: EnvelopeSpec<I, R>): { columns: string; taken: string } {
  return {
    columns: ", NULL::text AS bucket, NULL::float8 AS refilled, NULL::boolean AS took",
    taken: `
UNION ALL
SELECT NULL, NULL${spec.returning ? ", NULL" : ""}, key, refilled, took FROM take
WHERE EXISTS (SELECT 1 FROM take r WHERE NOT r.took)`,
  };
}

/** The parameters for envelopeInsertSql, in its order. */
export function envelopeInsertParams<I extends { data: Uint8Array }, R>(
  spec: EnvelopeSpec<I, R>,
  inputs: I[],
  /** The inputs' 32-byte content hashes, end to end. */
  hashes: Uint8Array,
  /** spec.values of each input. */
  values: unknown[][],
  createdNs: bigint,
  /** With `charged` SQL: each input's charge (its request's; null for none), and the distinct charges. */
  charged?: { each: (BucketCharge | undefined)[]; distinct: BucketCharge[] },
): unknown[] {
  const out: unknown[] = [];
  const bytes = (p: PackedBytes) => out.push(p.blob, p.starts, p.lengths);
  bytes(packBytes(inputs.map(spec.key)));
  out.push(hashes);
  bytes(packBytes(inputs.map((m) => m.data)));
  spec.columns.forEach((c, j) => {
    if (c.type === "bytea") bytes(packBytes(values.map((v) => v[j] as Uint8Array)));
    // Booleans and integers, comma-joined: no driver-side array literal, element by element.
    else out.push(values.map((v) => String(v[j])).join(","));
  });
  if (charged) {
    out.push(charged.each.map((c) => c?.keyOne ?? null));
    out.push(charged.each.map((c) => c?.keyAll ?? null));
  }
  out.push(createdNs);
  if (charged) out.push(...bucketTakeParams(charged.distinct));
  return out;
}

/**
 * Parameters (envelopeInsertParams): keys packed (blob, starts, lengths), the 32-byte
 * content hashes end to end, data packed, then per column a packed bytea or a comma list,
 * then (charged) each input's two bucket keys, then created_ns, then (charged) the take's
 * lists. Returns one row per topic that got rows: `ids`, its inputs' 1-based positions
 * and ids as "ord id" pairs joined by commas (an envelope already stored is absent; the
 * same envelope twice in the batch gets the one id twice), `prev`: the topic's largest id
 * before this statement's rows (NULL: none), read after the insert under the topic's
 * lock, so the rows are exactly the topic's ids after `prev` up to theirs (the streams
 * need not read them back), plus `returning`. Charged, and only when some bucket could
 * not pay, also one row per bucket of the take: ids null, bucket = its key, refilled and
 * took (takenRows).
 */
export function envelopeInsertSql<I, R>(
  spec: EnvelopeSpec<I, R>,
  charged = false,
  /** The database runs one statement at a time (PGlite): see `fresh` below. */
  alone = false,
): string {
  let n = 0;
  const param = () => `$${++n}`;
  const ints = () => `string_to_array(${param()}, ',')::int[]`;
  const lists: string[] = []; // unnest's arguments
  const names: string[] = []; // and their names
  // Each blob is cast once, in a one-row subquery: PGlite passes parameters as text, and
  // `$n::bytea` in the per-row expression decoded the whole blob's hex again for every row.
  const blobs: string[] = [];
  const packed = (name: string) => {
    blobs.push(`${param()}::bytea AS ${name}_blob`);
    lists.push(ints(), ints());
    names.push(`${name}_at`, `${name}_len`);
    return `substring(p.${name}_blob from u.${name}_at for u.${name}_len)`;
  };
  const k = packed("k");
  blobs.push(`${param()}::bytea AS h_blob`);
  const h = `substring(p.h_blob from (u.ord::int - 1) * 32 + 1 for 32)`;
  const d = packed("d");
  const colRefs = spec.columns.map((_, j) => `c${j}`);
  const cols = spec.columns.map((c, j) => {
    if (c.type === "bytea") return packed(colRefs[j]!);
    lists.push(`string_to_array(${param()}, ',')`);
    names.push(colRefs[j]!);
    return `u.${colRefs[j]}::${c.type}`;
  });
  if (charged) {
    lists.push(`${param()}::text[]`, `${param()}::text[]`);
    names.push("q1", "q2");
  }
  const createdAt = param();
  const take = charged ? bucketTakeSql(n + 1, "false") : "";
  // Charged: the take runs before the topics' locks and the insert skips refused sends.
  const c = charged
    ? {
        input: ", u.q1, u.q2",
        take: `\ntake AS (${take}),`,
        afterTake: " WHERE (SELECT count(*) FROM take) >= 0",
        admitted: "NOT EXISTS (SELECT 1 FROM take t WHERE NOT t.took AND t.key IN (i.q1, i.q2))",
        ...takenRows(spec),
      }
    : { input: "", take: "", afterTake: "", admitted: "", columns: "", taken: "" };
  // Alone, every row stored before this statement is in its snapshot: envelopes already
  // stored are left out before the insert and one of each repeated in the batch kept (the
  // first), instead of ON CONFLICT's speculative insertion (an extra index probe and WAL
  // record per row, ~10 % of the statement on PGlite). The unique index still refuses a
  // second copy: an error, never a second row. Beside other writers only ON CONFLICT is
  // safe (a row committed while this one waited for a lock is not in its snapshot).
  const fresh = `NOT EXISTS (SELECT 1 FROM ${spec.table} m WHERE m.${spec.topicColumn} = i.k AND m.content_hash = i.h)`;
  const conditions = [c.admitted, alone ? fresh : ""].filter(Boolean);
  const where = conditions.length ? `\n        WHERE ${conditions.join(" AND ")}` : "";
  const source = alone
    ? `(SELECT DISTINCT ON (i.k, i.h) i.* FROM input i, (SELECT count(*) FROM locks) l${where}
        ORDER BY i.k, i.h, i.ord) s
  ORDER BY s.ord`
    : `(SELECT i.* FROM input i, (SELECT count(*) FROM locks) l${where}
        ORDER BY i.ord) s
  ON CONFLICT (${spec.topicColumn}, content_hash) DO NOTHING`;
  return `
WITH input AS MATERIALIZED (
  SELECT u.ord, ${k} AS k, ${h} AS h, ${d} AS d
         ${cols.map((expr, j) => `, ${expr} AS ${colRefs[j]}`).join("")}${c.input}
  FROM (SELECT ${blobs.join(", ")}) p,
       unnest(${lists.join(", ")}) WITH ORDINALITY AS u(${names.join(", ")}, ord)),${c.take}
locks AS MATERIALIZED (
  SELECT pg_advisory_xact_lock(hashtext(t.topic)) AS held
  FROM (SELECT DISTINCT ('${spec.topicPrefix}' || encode(k, 'hex')) COLLATE "C" AS topic
        FROM input${c.afterTake} ORDER BY 1) t),
ins AS (
  INSERT INTO ${spec.table} (${spec.topicColumn}, created_ns, data, content_hash${spec.columns.map((c) => `, ${c.name}`).join("")})
  SELECT s.k, ${createdAt}::bigint, s.d, s.h${colRefs.map((r) => `, s.${r}`).join("")}
  FROM ${source}
  RETURNING id, ${spec.topicColumn}, content_hash),
done AS (
  SELECT i.k, i.ord, ins.id FROM ins JOIN input i ON i.k = ins.${spec.topicColumn} AND i.h = ins.content_hash)
SELECT string_agg(done.ord || ' ' || done.id, ',') AS ids, ${spec.idBefore}(done.k, min(done.id)) AS prev${spec.returning ? `, ${spec.returning("done.k")}` : ""}${c.columns}
FROM done GROUP BY done.k${c.taken}`;
}
