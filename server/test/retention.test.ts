// Retention on both stores: envelopes older than the configured age are deleted
// (the rest, and paging from a cursor, untouched); key packages whose signed
// lifetime ended are deleted, live ones kept. Real key packages (ts-mls), real SQL.
import { describe, expect, it, vi } from "vitest";
import { toHex } from "../../lib/crypto";
import { createKeyPackage, parseKeyPackage } from "../../lib/mls";
import { runRetention } from "../store/retention";
import { newInstallation } from "./helpers";
import { storeKinds, storeFixture } from "./stores";

const enc = new TextEncoder();
const DAY_NS = 86_400n * 1_000_000_000n;

describe.each(storeKinds)("retention on %s", (kind) => {
  const t = storeFixture(kind);

  it("deletes envelopes older than the retention, keeps the rest pageable from a cursor", async () => {
    const g = enc.encode(`retention-${kind}-${Date.now()}`);
    const key = crypto.getRandomValues(new Uint8Array(32));
    const rows = await t.store.insertGroupMessages(
      Array.from({ length: 10 }, (_, i) => ({
        groupId: g,
        data: enc.encode(`m${i}`),
        senderHmac: new Uint8Array(0),
        shouldPush: true,
      })),
    );
    const [welcome] = await t.store.insertWelcomeMessages([
      { installationKey: key, data: enc.encode("w"), hpkePublicKey: key, wrapperAlgorithm: 1 },
    ]);
    // The first six were stored 40 days ago, the welcome too.
    await t.store.driver.query(
      "UPDATE group_messages SET created_ns = created_ns - $1 WHERE id <= $2 AND group_id = $3",
      [40n * DAY_NS, rows[5]!.id, g],
    );
    await t.store.driver.query(
      "UPDATE welcome_messages SET created_ns = created_ns - $1 WHERE id = $2",
      [40n * DAY_NS, welcome!.id],
    );
    expect(
      await runRetention(t.store.driver, { envelopeDays: 0, intervalSeconds: 60 }),
    ).toMatchObject({ groupMessages: 0, welcomes: 0 }); // 0 = keep forever
    const run = await runRetention(t.store.driver, { envelopeDays: 30, intervalSeconds: 60 });
    expect(run.groupMessages).toBeGreaterThanOrEqual(6);
    expect(run.welcomes).toBeGreaterThanOrEqual(1);
    const left = await t.store.queryGroupMessages(g, { cursor: 0n, limit: 100, direction: "asc" });
    expect(left.map((r) => r.id)).toEqual(rows.slice(6).map((r) => r.id));
    // A client resuming from a cursor before the horizon gets what is left, from its cursor on.
    const resumed = await t.store.queryGroupMessages(g, {
      cursor: rows[2]!.id,
      limit: 100,
      direction: "asc",
    });
    expect(resumed.map((r) => r.id)).toEqual(rows.slice(6).map((r) => r.id));
    const welcomes = await t.store.queryWelcomeMessages(key, {
      cursor: 0n,
      limit: 10,
      direction: "asc",
    });
    expect(welcomes).toEqual([]);
  });

  it("deletes key packages whose signed lifetime ended, keeps live ones", async () => {
    const inboxId = toHex(crypto.getRandomValues(new Uint8Array(32)));
    const live = newInstallation();
    const old = newInstallation();
    const liveKp = await createKeyPackage({ inboxId, ...live });
    // Made 200 days ago: its lifetime (lib/mls) ended long since.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() - 200 * 86_400_000 });
    const oldKp = await createKeyPackage({ inboxId, ...old });
    vi.useRealTimers();
    expect(
      parseKeyPackage(oldKp.keyPackageBytes).notAfter! < BigInt(Math.floor(Date.now() / 1000)),
    ).toBe(true);
    for (const [inst, kp] of [
      [live, liveKp],
      [old, oldKp],
    ] as const) {
      await t.store.upsertKeyPackage(inst.publicKey, inboxId, kp.keyPackageBytes, 0n);
    }
    const run = await runRetention(t.store.driver, { envelopeDays: 0, intervalSeconds: 60 });
    expect(run.keyPackages).toBeGreaterThanOrEqual(1);
    const left = await t.store.fetchKeyPackages([live.publicKey, old.publicKey]);
    expect([...left.keys()]).toEqual([toHex(live.publicKey)]);
    // Read once: a second run parses nothing and deletes nothing more.
    expect(
      (await runRetention(t.store.driver, { envelopeDays: 0, intervalSeconds: 60 })).keyPackages,
    ).toBe(0);
  });
});
