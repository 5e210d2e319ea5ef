// Load with a crash: 50 real inboxes in 10 MLS groups (5 each) send 5,000
// messages through 3 node processes on one PostgreSQL (every group spans all three)
// while node A is killed with SIGKILL and restarted on the same port mid-run. Every message must be stored
// once, and received by every member exactly once, in order, and decrypt.
import net from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeClient, ResumableSubscription, sleep } from "../../lib/api";
import { fromUtf8, toHex, utf8 } from "../../lib/crypto";
import { buildCreateInboxUpdate } from "../../lib/identity";
import {
  addMembers,
  createGroup,
  createKeyPackage,
  encryptApplication,
  joinFromWelcome,
  mergeOwnCommit,
  processMessage,
  type AuthService,
  type GroupHandle,
  type InstallationSigner,
} from "../../lib/mls";
import { startNode, type StartedNode } from "../../server/test/harness";
import { newInstallation, newWallet, tick } from "../../server/test/helpers";
import { dropSchema, freshSchema, pgNotice, TEST_DATABASE_URL } from "./pg";

const GROUPS = Number(process.env.LOAD_GROUPS ?? 10);
const PER_GROUP = 5;
const TOTAL = Number(process.env.LOAD_MESSAGES ?? 5000);
const PER_MEMBER = Math.ceil(TOTAL / (GROUPS * PER_GROUP));
const LIFT = {
  RATE_LIMIT_READS_PER_MIN: "1000000",
  RATE_LIMIT_READ_BURST: "1000000",
  RATE_LIMIT_WRITES_PER_MIN: "1000000",
  RATE_LIMIT_WRITE_BURST: "1000000",
};

pgNotice("load: 5,000 messages through 3 nodes with a SIGKILL");

/** Serialises work on one member's MLS state (sending and receiving both advance it). */
class Lock {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

interface Member {
  name: string;
  signer: InstallationSigner;
  client: NodeClient;
  group?: GroupHandle;
  lock: Lock;
  sent: { text: string; bytes: string }[];
  received: { id: bigint; text: string; sender: string }[];
  own: Set<string>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe.runIf(TEST_DATABASE_URL)("load through three nodes with a SIGKILL mid-run", () => {
  const schema = freshSchema();
  const env = { DATABASE_SCHEMA: schema, ...LIFT };
  let portA = 0;
  let nodeA: StartedNode;
  let nodeB: StartedNode;
  let nodeC: StartedNode;
  let restarted: StartedNode | undefined;

  beforeAll(async () => {
    portA = await freePort();
    [nodeA, nodeB, nodeC] = await Promise.all([
      startNode({ databaseUrl: TEST_DATABASE_URL, env: { ...env, PORT: String(portA) } }),
      startNode({ databaseUrl: TEST_DATABASE_URL, env }),
      startNode({ databaseUrl: TEST_DATABASE_URL, env }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([restarted?.stop(), nodeA?.stop(), nodeB?.stop(), nodeC?.stop()]);
    await dropSchema(TEST_DATABASE_URL!, schema);
  });

  it(`${GROUPS * PER_GROUP} inboxes in ${GROUPS} groups send ${TOTAL} messages: each stored once, each received by every member once, in order`, async () => {
    const t0 = Date.now();
    // ---- identities: real inboxes registered on the node, key packages uploaded
    const members: Member[] = [];
    const keys = new Set<string>();
    const auth: AuthService = (inboxId, key) =>
      Promise.resolve(keys.has(`${inboxId}:${toHex(key)}`));
    const kps = await Promise.all(
      Array.from({ length: GROUPS * PER_GROUP }, async (_, i) => {
        const wallet = newWallet();
        const inst = newInstallation();
        const url = [nodeA.url, nodeB.url, nodeC.url][i % 3]!; // each group spans all three nodes
        const client = new NodeClient(url, { attempts: 8, baseMs: 100, maxMs: 1000 });
        const { inboxId, update } = await buildCreateInboxUpdate({
          signer: wallet.signer,
          installation: inst,
          nowNs: tick(),
        });
        await client.publishIdentityUpdate(update);
        const signer = { inboxId, ...inst };
        const kp = await createKeyPackage(signer);
        await client.uploadKeyPackage(kp.keyPackageBytes);
        keys.add(`${inboxId}:${toHex(inst.publicKey)}`);
        members.push({
          name: `m${i}`,
          signer,
          client,
          lock: new Lock(),
          sent: [],
          received: [],
          own: new Set(),
        });
        return { i, kp };
      }),
    );
    kps.sort((a, b) => a.i - b.i);
    members.sort((a, b) => Number(a.name.slice(1)) - Number(b.name.slice(1)));

    // ---- groups: the first member creates, adds the other four (key packages fetched from the node)
    const groups: { id: Uint8Array; members: Member[] }[] = [];
    for (let g = 0; g < GROUPS; g++) {
      const ms = members.slice(g * PER_GROUP, (g + 1) * PER_GROUP);
      const creator = ms[0]!;
      const created = await createGroup({
        signer: creator.signer,
        metadata: { conversationType: "group", creatorInboxId: creator.signer.inboxId },
      });
      const others = ms.slice(1);
      const fetched = await creator.client.fetchKeyPackages(others.map((m) => m.signer.publicKey));
      const added = await addMembers(
        created,
        fetched.map((k) => k!),
        auth,
      );
      creator.group = mergeOwnCommit(created, added.pending);
      for (const m of others) {
        const own = kps[Number(m.name.slice(1))]!.kp;
        m.group = await joinFromWelcome({
          welcome: added.welcome,
          keyPackagePrivate: own.privateBytes,
          keyPackageBytes: own.keyPackageBytes,
          signer: m.signer,
          auth,
        });
      }
      groups.push({ id: creator.group.groupId, members: ms });
    }
    const setupMs = Date.now() - t0;

    // ---- receivers: one ResumableSubscription per member, on its own node
    const expectedPerMember = PER_MEMBER * PER_GROUP;
    const subs: ResumableSubscription[] = [];
    let disconnects = 0;
    const receiving = groups.flatMap(({ id, members: ms }) =>
      ms.map(async (m) => {
        const sub = new ResumableSubscription(m.client, [
          { topic: { kind: "group", id }, cursor: 0n },
        ]);
        subs.push(sub);
        for await (const ev of sub) {
          if (ev.kind === "disconnected") disconnects++;
          if (ev.kind !== "group") continue;
          const bytes = ev.message.data;
          const hex = toHex(bytes);
          if (m.own.has(hex)) {
            m.received.push({ id: ev.message.id, text: "(own)", sender: m.name });
          } else {
            const out = await m.lock.run(async () => {
              const p = await processMessage(m.group!, bytes, auth);
              m.group = p.group;
              return p;
            });
            expect(out.kind).toBe("application");
            if (out.kind === "application") {
              m.received.push({
                id: ev.message.id,
                text: fromUtf8(out.plaintext),
                sender: out.senderInboxId,
              });
            }
          }
          if (m.received.length >= expectedPerMember) return;
        }
      }),
    );

    // ---- senders: each member sends PER_MEMBER messages in sequence; a failed send is
    // retried with the SAME bytes until the node (back from the kill) takes it.
    let sentCount = 0;
    let sendRetries = 0;
    const sending = members.map(async (m) => {
      for (let k = 0; k < PER_MEMBER; k++) {
        const text = `${m.name} #${k}`;
        const { message } = await m.lock.run(async () => {
          const r = await encryptApplication(m.group!, utf8(text));
          m.group = r.group;
          return r;
        });
        const hex = toHex(message);
        m.own.add(hex);
        m.sent.push({ text, bytes: hex });
        for (let attempt = 0; ; attempt++) {
          try {
            await m.client.sendGroupMessages([{ data: message, shouldPush: true }]);
            break;
          } catch (err) {
            if (attempt > 60) throw err;
            sendRetries++;
            await sleep(250 + Math.random() * 250);
          }
        }
        sentCount++;
      }
    });

    // ---- the crash: SIGKILL node A at ~40% and restart it on the same port
    const crash = (async () => {
      while (sentCount < TOTAL * 0.4) await sleep(20);
      nodeA.kill();
      await new Promise((r) => nodeA.child.once("exit", r));
      const killedAt = sentCount;
      await sleep(500);
      restarted = await startNode({
        databaseUrl: TEST_DATABASE_URL,
        env: { ...env, PORT: String(portA) },
      });
      return killedAt;
    })();

    await Promise.all(sending);
    const killedAt = await crash;
    const sendMs = Date.now() - t0 - setupMs;
    const timeout = new Promise((_, reject) =>
      setTimeout(
        () => reject(new Error("receivers did not get every message within 90 s")),
        90_000,
      ),
    );
    await Promise.race([Promise.all(receiving), timeout]);
    for (const s of subs) s.close();
    const totalMs = Date.now() - t0;

    // ---- stored exactly once: straight from PostgreSQL
    const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    try {
      for (const { id } of groups) {
        const rows = await db.query<{ n: string; d: string }>(
          `SELECT count(*) AS n, count(DISTINCT data) AS d FROM ${schema}.group_messages WHERE group_id = $1`,
          [Buffer.from(id)],
        );
        expect(rows.rows[0]).toEqual({
          n: String(PER_MEMBER * PER_GROUP),
          d: String(PER_MEMBER * PER_GROUP),
        });
      }
    } finally {
      await db.end();
    }

    // ---- received by every member exactly once, in order, and the content is right
    for (const { members: ms } of groups) {
      const sentByInbox = new Map(ms.map((m) => [m.signer.inboxId, m.sent.map((s) => s.text)]));
      for (const m of ms) {
        expect(m.received).toHaveLength(expectedPerMember);
        const ids = m.received.map((r) => r.id);
        for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
        // every other member's messages, each once, in the order they were sent
        for (const other of ms) {
          if (other === m) continue;
          const got = m.received
            .filter((r) => r.sender === other.signer.inboxId)
            .map((r) => r.text);
          expect(got).toEqual(sentByInbox.get(other.signer.inboxId));
        }
        expect(m.received.filter((r) => r.text === "(own)")).toHaveLength(PER_MEMBER);
      }
    }
    // every member of a group saw the same sequence of ids
    for (const { members: ms } of groups) {
      const first = ms[0]!.received.map((r) => r.id);
      for (const m of ms) expect(m.received.map((r) => r.id)).toEqual(first);
    }
    console.log(
      `load: ${members.length} inboxes, ${GROUPS} groups, ${TOTAL} messages; setup ${setupMs} ms, ` +
        `sends ${sendMs} ms (${Math.round((TOTAL * 1000) / sendMs)} msg/s), all received at ${totalMs} ms; ` +
        `node A killed at ${killedAt} sent; ${sendRetries} send retries; ${disconnects} stream disconnects`,
    );
    expect(killedAt).toBeLessThan(TOTAL);
    expect(disconnects).toBeGreaterThan(0);
  }, 360_000);
});
