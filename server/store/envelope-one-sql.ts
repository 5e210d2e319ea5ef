// The insert statement for a batch of ONE envelope, the common case of a single send
// that met no other send at the database. Same rules and the same result rows as
// envelopeInsertSql (envelope-sql.ts): the charge's buckets first, then the topic's
// advisory lock, then the insert (its id drawn under the lock), ON CONFLICT for a
// retried envelope. Why a second form: the general statement's fixed cost (13
// parameters cut apart by unnest/substring, a generic plan over them) made a one-row
// send cost PostgreSQL ~2× a plain INSERT; with one row every value is its own
// parameter and the plan is that of a plain INSERT behind one lock (bench/README.md,
// session 10). Its result rows are envelopeInsertSql's.
import { takenRows, type EnvelopeSpec } from "./envelope-sql";
import { bucketTakeParams, bucketTakeSql, type BucketCharge } from "./rate-buckets";

/**
 * Parameters (envelopeInsertOneParams): the key, the 32-byte content hash, the data,
 * each column's value (bytea as bytes, others as text), created_ns, then (charged) the
 * take's four lists for the send's one charge.
 */
export function envelopeInsertOneSql<I, R>(spec: EnvelopeSpec<I, R>, charged = false): string {
  // Non-bytea values travel as text, cast here: both drivers pass a string alike (PGlite
  // would serialise a string given for a boolean parameter by its truthiness).
  const cols = spec.columns.map((c, j) =>
    c.type === "bytea" ? `$${4 + j}::bytea` : `$${4 + j}::text::${c.type}`,
  );
  const createdAt = `$${4 + spec.columns.length}`;
  const take = charged ? bucketTakeSql(5 + spec.columns.length, "false") : "";
  // Charged: the take runs before the lock (as in the general statement: buckets, then
  // locks, so the two kinds of statement cannot deadlock), a refused charge stores nothing.
  const c = charged
    ? {
        take: `take AS (${take}),\n`,
        afterTake: "\n  WHERE (SELECT count(*) FROM take) >= 0",
        admitted: "\n  WHERE NOT EXISTS (SELECT 1 FROM take t WHERE NOT t.took)",
        ...takenRows(spec),
      }
    : { take: "", afterTake: "", admitted: "", columns: "", taken: "" };
  return `
WITH ${c.take}locks AS MATERIALIZED (
  SELECT pg_advisory_xact_lock(hashtext(('${spec.topicPrefix}' || encode($1::bytea, 'hex')) COLLATE "C")) AS held${c.afterTake}),
ins AS (
  INSERT INTO ${spec.table} (${spec.topicColumn}, created_ns, data, content_hash${spec.columns.map((col) => `, ${col.name}`).join("")})
  SELECT $1::bytea, ${createdAt}::bigint, $3::bytea, $2::bytea${cols.map((x) => `, ${x}`).join("")}
  FROM (SELECT count(*) FROM locks) l${c.admitted}
  ON CONFLICT (${spec.topicColumn}, content_hash) DO NOTHING
  RETURNING id, ${spec.topicColumn}, content_hash)
SELECT '1 ' || ins.id AS ids,
       ${spec.idBefore}(ins.${spec.topicColumn}, ins.id) AS prev${spec.returning ? `, ${spec.returning(`ins.${spec.topicColumn}`)}` : ""}${c.columns}
FROM ins${c.taken}`;
}

/** The parameters for envelopeInsertOneSql, in its order. */
export function envelopeInsertOneParams<I extends { data: Uint8Array }, R>(
  spec: EnvelopeSpec<I, R>,
  input: I,
  /** Its 32-byte content hash. */
  hash: Uint8Array,
  /** spec.values(input). */
  values: unknown[],
  createdNs: bigint,
  charge?: BucketCharge,
): unknown[] {
  const out: unknown[] = [spec.key(input), hash, input.data];
  spec.columns.forEach((c, j) => out.push(c.type === "bytea" ? values[j] : String(values[j])));
  out.push(createdNs);
  if (charge) out.push(...bucketTakeParams([charge]));
  return out;
}
