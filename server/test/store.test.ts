// The store's ordering and paging contract, on PGlite and (with TEST_DATABASE_URL) PostgreSQL.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { log } from "../log";
import { DataDirLockedError, openStore, groupTopic, type GroupMessageInsert } from "../store";
import { storeKinds, TEST_DATABASE_URL, storeFixture } from "./stores";
import { MIGRATION_COUNT } from "../store/migrations";
import type { Row } from "../store/driver";

const enc = new TextEncoder();
const gid = (name: string) => enc.encode(`group-${name}-${Math.random()}`);
const msg = (groupId: Uint8Array, text: string): GroupMessageInsert => ({
  groupId,
  data: enc.encode(text),
  senderHmac: new Uint8Array(32),
  shouldPush: true,
});

/**
 * Runs a send whose wake-up must go out pipelined with its insert (no "wake-up …" warning:
 * no fallback to notifying afterwards), then waits up to 10 s for `count` topics to be heard.
 */
async function wokenBy<T>(
  heard: Map<string, bigint>,
  count: number,
  offs: (() => void)[],
  send: () => Promise<T>,
): Promise<T> {
  const warn = vi.spyOn(log, "warn");
  const out = await send();
  expect(warn.mock.calls.filter(([m]) => m.startsWith("wake-up"))).toEqual([]);
  warn.mockRestore();
  const deadline = Date.now() + 10_000;
  while (heard.size < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  offs.forEach((off) => off());
  return out;
}

describe.each(storeKinds)("store on %s", (kind) => {
  const t = storeFixture(kind);

  it("gives each group increasing ids and node timestamps", async () => {
    const g = gid("mono");
    const rows = [];
    for (let i = 0; i < 5; i++)
      rows.push(...(await t.store.insertGroupMessages([msg(g, `m${i}`)])));
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]!.id).toBeGreaterThan(rows[i - 1]!.id);
      expect(rows[i]!.createdNs).toBeGreaterThan(rows[i - 1]!.createdNs);
    }
    const stored = await t.store.queryGroupMessages(g, {
      cursor: 0n,
      limit: 100,
      direction: "asc",
    });
    expect(stored.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    expect(typeof stored[0]!.id).toBe("bigint");
    expect(Object.getPrototypeOf(stored[0]!.data)).toBe(Uint8Array.prototype);
    expect(new TextDecoder().decode(stored[2]!.data)).toBe("m2");
  });

  it("stores one batch across groups in request order, each row as it was sent", async () => {
    const groups = [gid("batch-a"), gid("batch-b"), gid("batch-c")];
    const batch = Array.from({ length: 60 }, (_, i) => msg(groups[i % 3]!, `b${i}`));
    const rows = await t.store.insertGroupMessages(batch);
    expect(rows.map((r) => new TextDecoder().decode(r.data))).toEqual(batch.map((_, i) => `b${i}`));
    for (const [j, g] of groups.entries()) {
      const stored = await t.store.queryGroupMessages(g, {
        cursor: 0n,
        limit: 100,
        direction: "asc",
      });
      // Ids follow the request within each group.
      expect(stored.map((r) => new TextDecoder().decode(r.data))).toEqual(
        batch.flatMap((_, i) => (i % 3 === j ? [`b${i}`] : [])),
      );
      expect(stored.map((r) => r.id)).toEqual(rows.filter((_, i) => i % 3 === j).map((r) => r.id));
      expect(stored[0]!.groupId).toEqual(g);
      expect(stored[0]!.shouldPush).toBe(rows[j]!.shouldPush);
      expect(stored[0]!.senderHmac).toEqual(rows[j]!.senderHmac);
      expect(stored[0]!.createdNs).toBe(rows[j]!.createdNs);
    }
  });

  it("stores a byte-identical message to the same group once", async () => {
    const g = gid("dup");
    const [first] = await t.store.insertGroupMessages([msg(g, "same")]);
    const again = await t.store.insertGroupMessages([
      msg(g, "same"),
      msg(g, "same"),
      msg(g, "other"),
    ]);
    expect(again[0]!.id).toBe(first!.id);
    expect(again[1]!.id).toBe(first!.id);
    const stored = await t.store.queryGroupMessages(g, {
      cursor: 0n,
      limit: 100,
      direction: "asc",
    });
    expect(stored).toHaveLength(2);
    // The same bytes in another group are a different message.
    const [elsewhere] = await t.store.insertGroupMessages([msg(gid("dup2"), "same")]);
    expect(elsewhere!.id).not.toBe(first!.id);
  });

  it("stores a new message sent twice in one batch once, both copies answered with its row", async () => {
    // On PGlite the batch statement leaves out what is stored already (no ON CONFLICT):
    // a copy repeated inside the batch must still become one row, not a unique violation.
    const g = gid("dup-in-batch");
    const rows = await t.store.insertGroupMessages([
      msg(g, "a"),
      msg(g, "twice"),
      msg(g, "b"),
      msg(g, "twice"),
    ]);
    expect(rows[3]!.id).toBe(rows[1]!.id);
    expect(rows[0]!.id < rows[1]!.id && rows[1]!.id < rows[2]!.id).toBe(true); // request order
    const stored = await t.store.queryGroupMessages(g, {
      cursor: 0n,
      limit: 100,
      direction: "asc",
    });
    expect(stored.map((r) => Buffer.from(r.data).toString())).toEqual(
      ["a", "twice", "b"].map((x) => Buffer.from(msg(g, x).data).toString()),
    );
  });

  it("finds a send's predecessor in a group with a long history by one index probe", async () => {
    // The send statements ask group_message_id_before for the id their rows follow. A
    // node runs it first on empty tables (its warm-up) and PL/pgSQL keeps the session's
    // plan: a plan that reads the group's whole index range made every send cost its
    // group's history. Measured in one session: called on the empty group, then 3,000
    // rows, then the pages one call reads (buffers counted by EXPLAIN include the
    // function's own).
    const g = gid("history");
    const rolledBack = new Error("roll back");
    const pages = await t.store.driver
      .transaction(async (tx) => {
        for (let i = 0; i < 8; i++)
          await tx.query("SELECT group_message_id_before($1, $2)", [g, String(i + 1)]);
        await tx.query(
          `INSERT INTO group_messages (group_id, created_ns, data, sender_hmac, should_push, content_hash)
           SELECT $1, 0, '\\x00', '\\x', true, sha256(i::text::bytea) FROM generate_series(1, 3000) i`,
          [g],
        );
        const [row] = await tx.query<{ "QUERY PLAN": unknown }>(
          "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT group_message_id_before($1, 9223372036854775807)",
          [g],
        );
        const json = row!["QUERY PLAN"];
        const [explained] = (typeof json === "string" ? JSON.parse(json) : json) as {
          Plan: Record<string, number>;
        }[];
        throw Object.assign(rolledBack, {
          pages: explained!.Plan["Shared Hit Blocks"]! + explained!.Plan["Shared Read Blocks"]!,
        });
      })
      .catch((err: unknown) => {
        if (err !== rolledBack) throw err;
        return (err as Error & { pages: number }).pages;
      });
    // A probe reads 3 pages (index root, leaf, the row's heap page); the range read 73 here.
    expect(pages).toBeGreaterThan(0);
    expect(pages).toBeLessThan(10);
  });

  it("pages both directions with an exclusive cursor", async () => {
    const g = gid("paging");
    const ids: bigint[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await t.store.insertGroupMessages([msg(g, `p${i}`)]))[0]!.id);
    const asc = (cursor: bigint, limit: number) =>
      t.store
        .queryGroupMessages(g, { cursor, limit, direction: "asc" })
        .then((r) => r.map((x) => x.id));
    const desc = (cursor: bigint, limit: number) =>
      t.store
        .queryGroupMessages(g, { cursor, limit, direction: "desc" })
        .then((r) => r.map((x) => x.id));
    expect(await asc(0n, 3)).toEqual(ids.slice(0, 3));
    expect(await asc(ids[2]!, 3)).toEqual(ids.slice(3, 6)); // cursor row itself excluded
    expect(await asc(ids[6]!, 3)).toEqual([]);
    expect(await desc(0n, 3)).toEqual([ids[6], ids[5], ids[4]]);
    expect(await desc(ids[4]!, 10)).toEqual([ids[3], ids[2], ids[1], ids[0]]);
    expect(await desc(ids[0]!, 10)).toEqual([]);
  });

  it("finds, in one query, which topics of a batch have rows after their cursor", async () => {
    const busy = gid("newer-busy");
    const quiet = gid("newer-quiet");
    const rows = await t.store.insertGroupMessages([
      msg(busy, "n1"),
      msg(busy, "n2"),
      msg(quiet, "q1"),
    ]);
    const pairs = [
      { key: busy, cursor: rows[0]!.id }, // one row after it
      { key: quiet, cursor: rows[2]!.id }, // nothing after it
      { key: gid("newer-empty"), cursor: 0n }, // no rows at all
      { key: quiet, cursor: 0n },
    ];
    expect(await t.store.topicsWithNewer("g", pairs)).toEqual([1, 4]);
    expect(await t.store.topicsWithNewer("g", [])).toEqual([]);
    const key = crypto.getRandomValues(new Uint8Array(32));
    await t.store.insertWelcomeMessages([
      {
        installationKey: key,
        data: enc.encode("w"),
        hpkePublicKey: new Uint8Array(32),
        wrapperAlgorithm: 1,
      },
    ]);
    expect(await t.store.topicsWithNewer("w", [{ key, cursor: 0n }])).toEqual([1]);
  });

  it("keeps welcomes per installation, in order, once", async () => {
    const key = crypto.getRandomValues(new Uint8Array(32));
    const w = (text: string) => ({
      installationKey: key,
      data: enc.encode(text),
      hpkePublicKey: new Uint8Array(32).fill(7),
      wrapperAlgorithm: 1,
    });
    const a = await t.store.insertWelcomeMessages([w("w1"), w("w2"), w("w1")]);
    expect(a[2]!.id).toBe(a[0]!.id);
    const rows = await t.store.queryWelcomeMessages(key, {
      cursor: 0n,
      limit: 100,
      direction: "asc",
    });
    expect(rows.map((r) => new TextDecoder().decode(r.data))).toEqual(["w1", "w2"]);
    expect(rows[0]!.wrapperAlgorithm).toBe(1);
    expect(rows[0]!.hpkePublicKey).toEqual(new Uint8Array(32).fill(7));
  });

  it("never lets a concurrent reader of id > cursor skip a row while writers race on one group", async () => {
    const g = gid("race");
    // Enough racing writers that, without the per-group lock, ids commit out of order
    // within the reader's window every run (4 × 25 missed it one run in three).
    const writers = 8;
    const perWriter = 50;
    let writing = true;
    const seen: bigint[] = [];
    const reader = (async () => {
      let cursor = 0n;
      for (;;) {
        const rows = await t.store.queryGroupMessages(g, { cursor, limit: 100, direction: "asc" });
        for (const r of rows) {
          seen.push(r.id);
          cursor = r.id;
        }
        if (!writing && rows.length === 0) return;
      }
    })();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++)
          await t.store.insertGroupMessages([msg(g, `w${w}-${i}`)]);
      }),
    );
    writing = false;
    await reader;
    const all: bigint[] = [];
    for (;;) {
      const page = await t.store.queryGroupMessages(g, {
        cursor: all.at(-1) ?? 0n,
        limit: 100,
        direction: "asc",
      });
      if (page.length === 0) break;
      all.push(...page.map((r) => r.id));
    }
    expect(all).toHaveLength(writers * perWriter);
    expect(seen).toEqual(all); // every row, in order, none skipped or repeated
  });

  it("says on each stored row whether anyone wants pushes from its group, so a send costs no lookup", async () => {
    const quiet = gid("no-push");
    const wanted = gid("push");
    await t.store.driver.query(
      `INSERT INTO push_subscriptions (installation_key, inbox_id, endpoint, p256dh, auth, last_timestamp_ns, created_ns)
       VALUES ($1, 'inbox', 'https://push.invalid/x', $2, $2, 1, 1)`,
      [new Uint8Array(32).fill(9), new Uint8Array(16)],
    );
    await t.store.driver.query(
      "INSERT INTO push_topics (installation_key, group_id, topic) VALUES ($1, $2, $3)",
      [new Uint8Array(32).fill(9), wanted, new Uint8Array(1)],
    );
    const rows = await t.store.insertGroupMessages([msg(quiet, "q"), msg(wanted, "w")]);
    expect(rows.map((r) => r.hasPushTopics)).toEqual([false, true]);
    // Rows read back carry no such flag.
    const [read] = await t.store.queryGroupMessages(wanted, {
      cursor: 0n,
      limit: 1,
      direction: "asc",
    });
    expect(read!.hasPushTopics).toBeUndefined();
  });

  it("publishes one bus event per topic a send stored rows on, after commit", async () => {
    const g = gid("bus");
    const events: bigint[] = [];
    const off = t.bus.on(groupTopic(g), (e) => events.push(e.id));
    const rows = await t.store.insertGroupMessages([msg(g, "a"), msg(g, "b")]);
    await t.store.insertGroupMessages([msg(g, "a")]); // duplicate: no event
    off();
    expect(events).toEqual([rows[1]!.id]); // the rows ride on it (send-events.test.ts)
  });
});

// Only where a PostgreSQL server is configured (CI sets TEST_DATABASE_URL).
if (TEST_DATABASE_URL) {
  describe("store on postgres, several processes", () => {
    const t = storeFixture("postgres");

    it("fans out to another store process on the same database (LISTEN/NOTIFY)", async () => {
      const other = await t.reopen();
      const g = gid("notify");
      const got = new Promise<bigint>((resolve) =>
        other.bus.on(groupTopic(g), (e) => resolve(e.id)),
      );
      const [row] = await t.store.insertGroupMessages([msg(g, "hello")]);
      expect(await got).toBe(row!.id);
      // The other store reads the row itself (events carry only topic + id).
      const read = await other.store.queryGroupMessages(g, {
        cursor: 0n,
        limit: 10,
        direction: "asc",
      });
      expect(read.map((r) => r.id)).toEqual([row!.id]);
    });

    it("answers a send once its wake-up ran, yet starts the next send's statement before that", async () => {
      // Each wake-up held back 400 ms: the second send, waiting behind the first's
      // statement, must start once the first's rows are in, not once it was announced.
      const driver = t.store.driver;
      const real = driver.preparedThen!.bind(driver);
      const events: string[] = [];
      driver.preparedThen = async <R extends Row = Row>(
        text: string,
        params: readonly unknown[],
        then: { text: string; params: readonly unknown[] },
      ) => {
        events.push("statement");
        const out = await real<R>(text, params, then);
        return {
          rows: out.rows,
          then: out.then.then(async (err) => {
            await new Promise((r) => setTimeout(r, 400));
            events.push("woken");
            return err;
          }),
        };
      };
      try {
        const t0 = performance.now();
        const first = t.store
          .publishGroupMessages([msg(gid("told-a"), "a")])
          .then(() => events.push("first answered"));
        const second = t.store
          .publishGroupMessages([msg(gid("told-b"), "b")])
          .then(() => events.push("second answered"));
        await Promise.all([first, second]);
        expect(performance.now() - t0).toBeGreaterThanOrEqual(400);
        expect(events).toEqual([
          "statement",
          "statement",
          "woken",
          "first answered",
          "woken",
          "second answered",
        ]);
      } finally {
        driver.preparedThen = real;
      }
    });

    it("wakes another node for each topic of a few-group batch in the insert's round trip (one probe per topic)", async () => {
      const other = await t.reopen();
      const groups = [gid("few-a"), gid("few-b"), gid("few-c")];
      const heard = new Map<string, bigint>();
      const offs = groups.map((g) => other.bus.on(groupTopic(g), (e) => heard.set(e.topic, e.id)));
      // Two messages in the first group: its line carries the newer id.
      const rows = await wokenBy(heard, groups.length, offs, () =>
        t.store.insertGroupMessages([
          msg(groups[0]!, "a1"),
          msg(groups[1]!, "b"),
          msg(groups[0]!, "a2"),
          msg(groups[2]!, "c"),
        ]),
      );
      expect(Object.fromEntries(heard)).toEqual({
        [groupTopic(groups[0]!)]: rows[2]!.id,
        [groupTopic(groups[1]!)]: rows[1]!.id,
        [groupTopic(groups[2]!)]: rows[3]!.id,
      });
    });

    it("wakes another node for every topic of a 300-group batch in the insert's round trip (payloads packed under the cap)", async () => {
      const other = await t.reopen();
      // Group ids of the longest kind allowed (255 bytes): the fewest lines per payload.
      const groups = Array.from({ length: 300 }, (_, i) => {
        const g = new Uint8Array(255);
        g.set(gid(`wide-${i}`).subarray(0, 255));
        return g;
      });
      const heard = new Map<string, bigint>();
      const offs = groups.map((g) => other.bus.on(groupTopic(g), (e) => heard.set(e.topic, e.id)));
      const rows = await wokenBy(heard, groups.length, offs, () =>
        t.store.insertGroupMessages(groups.map((g, i) => msg(g, `m${i}`))),
      );
      expect(heard.size).toBe(groups.length);
      for (const [i, g] of groups.entries()) expect(heard.get(groupTopic(g))).toBe(rows[i]!.id);
    });

    it("runs migrations once when a second node opens the database", async () => {
      const again = await t.reopen();
      const rows = await again.store.driver.query<{ n: unknown }>(
        "SELECT count(*) AS n FROM schema_migrations",
      );
      expect(Number(rows[0]!.n)).toBe(MIGRATION_COUNT); // each applied once
    });
  });
}

describe("PGlite data folder", () => {
  it("refuses a second opener of the same DATA_DIR", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "store-lock-"));
    const { store } = await openStore({ dataDir });
    try {
      await expect(openStore({ dataDir })).rejects.toBeInstanceOf(DataDirLockedError);
    } finally {
      await store.close();
    }
    // Released on close: it opens again, with its data.
    const reopened = await openStore({ dataDir });
    await reopened.store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
