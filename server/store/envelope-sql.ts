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
// NOTIFY is not in here: a notifying transaction serialises every other one's commit
// in PostgreSQL (notifier.ts sends the wake-ups after commit).
// Values travel as text arrays (hex for bytes): both drivers pass string arrays alike.

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
  /** One more column returned per inserted row, an SQL expression over `ins` (e.g. `… AS push`). */
  returning?: string;
}

const cast = (c: EnvelopeColumn, ref: string) =>
  c.type === "bytea" ? `decode(${ref}, 'hex')` : `${ref}::${c.type}`;

/**
 * Parameters: $1 keys, $2 content hashes, $3 data (hex text[]), then one text[] per
 * column, then created_ns. Returns the inserted rows' id, key and hash (hex), plus
 * `returning`; envelopes already stored are absent.
 */
export function envelopeInsertSql<I, R>(spec: EnvelopeSpec<I, R>): string {
  const n = spec.columns.length;
  const colRefs = spec.columns.map((_, j) => `c${j}`);
  const createdAt = `$${4 + n}`;
  return `
WITH input AS MATERIALIZED (
  SELECT u.ord, decode(u.k, 'hex') AS k, decode(u.h, 'hex') AS h, decode(u.d, 'hex') AS d
         ${spec.columns.map((c, j) => `, ${cast(c, `u.${colRefs[j]}`)} AS ${colRefs[j]}`).join("")}
  FROM unnest($1::text[], $2::text[], $3::text[]${spec.columns.map((_, j) => `, $${4 + j}::text[]`).join("")})
    WITH ORDINALITY AS u(k, h, d${colRefs.map((r) => `, ${r}`).join("")}, ord)),
locks AS MATERIALIZED (
  SELECT pg_advisory_xact_lock(hashtext(t.topic)) AS held
  FROM (SELECT DISTINCT ('${spec.topicPrefix}' || encode(k, 'hex')) COLLATE "C" AS topic
        FROM input ORDER BY 1) t),
ins AS (
  INSERT INTO ${spec.table} (${spec.topicColumn}, created_ns, data, content_hash${spec.columns.map((c) => `, ${c.name}`).join("")})
  SELECT s.k, ${createdAt}::bigint, s.d, s.h${colRefs.map((r) => `, s.${r}`).join("")}
  FROM (SELECT i.* FROM input i, (SELECT count(*) FROM locks) l ORDER BY i.ord) s
  ON CONFLICT (${spec.topicColumn}, content_hash) DO NOTHING
  RETURNING id, ${spec.topicColumn}, content_hash)
SELECT ins.id, encode(ins.${spec.topicColumn}, 'hex') AS k, encode(ins.content_hash, 'hex') AS h${spec.returning ? `, ${spec.returning}` : ""}
FROM ins`;
}
