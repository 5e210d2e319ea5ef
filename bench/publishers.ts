// What publish.ts and node-throughput.ts share: the node's environment for a bench,
// the loop of publishers sending one message per SendGroupMessages, the same rows
// INSERTed straight into PostgreSQL, and the node's CPU time (the machine is shared:
// CPU per message says more than a rate when other work competes for the cores).
import { create, toBinary } from "@bufbuild/protobuf";
import { fork } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import pg from "pg";
import { MlsApi, SendGroupMessagesRequestSchema } from "../lib/proto/mls/api/v1/mls_pb";
import { clients } from "../server/test/helpers";
import type { LeanJob, LeanResult } from "./publish-client";

export const BENCH_DATABASE_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  "postgres://postgres@127.0.0.1:5432/test";

/**
 * Budgets lifted, and each publisher / subscriber is its own client: it sends its own
 * address in x-forwarded-for (TRUST_PROXY=1), as clients behind a proxy do, so the
 * node's per-address rate-limit buckets and stream slots are per client, not one
 * shared hot row for the whole bench.
 */
export const BENCH_NODE_ENV: Record<string, string> = {
  RATE_LIMIT_READS_PER_MIN: "1000000000",
  RATE_LIMIT_READ_BURST: "1000000000",
  RATE_LIMIT_WRITES_PER_MIN: "1000000000",
  RATE_LIMIT_WRITE_BURST: "1000000000",
  TRUST_PROXY: "1",
  HTTP2_CLEARTEXT: "1",
  // e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": profile the node processes.
  ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
  ...(process.env.BENCH_RATE_LIMIT_STORE
    ? { RATE_LIMIT_STORE: process.env.BENCH_RATE_LIMIT_STORE }
    : {}),
};

/** The address client `i` claims (10.0.0.0/8: 16 million of them). */
export function clientAddress(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

export interface PublisherLoad {
  groupId: Uint8Array;
  /** Well-framed MLS messages of that group, sent in this order. */
  data: Uint8Array[];
}

/** Each publisher its own HTTP/1.1 connection and address; one message per request. Msg/s. */
export async function sendOneByOne(url: string, loads: PublisherLoad[]): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    loads.map(async (load, p) => {
      const api = clients(url);
      const headers = { "x-forwarded-for": clientAddress(p + 1) };
      for (const data of load.data) {
        await api.mls.sendGroupMessages(
          { messages: [{ version: { case: "v1", value: { data, shouldPush: true } } }] },
          { headers },
        );
      }
    }),
  );
  return (count(loads) * 1000) / (performance.now() - t0);
}

/** A SendGroupMessages request's body as our app's Connect client encodes it. */
export function sendBody(messages: Uint8Array[]): Uint8Array {
  return toBinary(
    SendGroupMessagesRequestSchema,
    create(SendGroupMessagesRequestSchema, {
      messages: messages.map((data) => ({
        version: { case: "v1" as const, value: { data, shouldPush: true } },
      })),
    }),
  );
}

export const SEND_PATH = `/${MlsApi.typeName}/${MlsApi.method.sendGroupMessages.name}`;

/**
 * The lean client (publish-client.ts) in a child process of its own, so the node shares
 * no process with its client; it stays for several jobs (each later one on a warm client).
 * `send` sends pre-encoded SendGroupMessages bodies and resolves with msg/s and the
 * client's own CPU time.
 */
export function openLeanClient() {
  const child = fork(new URL("./publish-client.ts", import.meta.url), {
    execArgv: ["--import", "tsx"],
    serialization: "advanced",
  });
  let exited: Error | undefined;
  let pending: ((m: { ok?: LeanResult; error?: string }) => void) | undefined;
  child.on("message", (m: { ok?: LeanResult; error?: string }) => pending?.(m));
  child.once("exit", (code) => {
    exited = new Error(`publish client exited with ${code}`);
    pending?.({ error: exited.message });
  });
  return {
    send(job: Omit<LeanJob, "path">): Promise<LeanResult> {
      if (exited) return Promise.reject(exited);
      return new Promise((resolve, reject) => {
        pending = (m) => {
          pending = undefined;
          if (m.ok) resolve(m.ok);
          else reject(new Error(`publish client: ${m.error}`));
        };
        child.send({ ...job, path: SEND_PATH });
      });
    },
    close: () => child.disconnect(),
  };
}

/** One job on a lean client of its own (openLeanClient). */
export async function sendLean(job: Omit<LeanJob, "path">): Promise<LeanResult> {
  const client = openLeanClient();
  try {
    return await client.send(job);
  } finally {
    client.close();
  }
}

/**
 * Autocommit INSERTs of publishers' rows into a copy of group_messages, one connection per
 * publisher, each its rows one after another: the database's own rate for single sends.
 * Opened once, so runs can alternate with the node's (bench/publish.ts).
 */
export async function openRawInserter(url: string, schema: string, connections: number) {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  await pool.query(
    `CREATE TABLE ${schema}.raw_messages (LIKE ${schema}.group_messages INCLUDING ALL)`,
  );
  return {
    /** Inserts these rows; rows/s. */
    async insert(loads: PublisherLoad[]): Promise<number> {
      const t0 = performance.now();
      await Promise.all(
        loads.map(async (load) => {
          const c = await pool.connect();
          try {
            for (const data of load.data) {
              await c.query(
                `INSERT INTO ${schema}.raw_messages (group_id, created_ns, data, sender_hmac, should_push, content_hash)
                 VALUES ($1, $2, $3, $4, $5, $6)`,
                [
                  Buffer.from(load.groupId),
                  String(BigInt(Date.now()) * 1_000_000n),
                  Buffer.from(data),
                  Buffer.alloc(0),
                  true,
                  createHash("sha256").update(data).digest(),
                ],
              );
            }
          } finally {
            c.release();
          }
        }),
      );
      return (count(loads) * 1000) / (performance.now() - t0);
    },
    close: () => pool.end(),
  };
}

/** The same rows as autocommit INSERTs into a copy of group_messages, one connection per publisher. Rows/s. */
export async function insertRaw(url: string, schema: string, loads: PublisherLoad[]) {
  const raw = await openRawInserter(url, schema, loads.length);
  try {
    return await raw.insert(loads);
  } finally {
    await raw.close();
  }
}

export const count = (loads: PublisherLoad[]) => loads.reduce((n, l) => n + l.data.length, 0);

/** CPU time (user + system, ms) a process has used so far; NaN where /proc is missing. */
export function cpuMs(pid: number | undefined): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name), in clock ticks.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/**
 * Write system calls (write, writev, sendmsg…) a process has made so far; NaN where /proc
 * is missing. Each one to a socket wakes another process (the database, a client): on
 * this VM that costs the writer more CPU than most of its JS, and the load hardly moves it.
 */
export function writeCalls(pid: number | undefined): number {
  try {
    return Number(/^syscw: (\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/io`, "utf8"))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

/** Runs fn and returns its result with the CPU and write calls the process `pid` spent meanwhile. */
export async function withCpu<T>(
  pid: number | undefined,
  fn: () => Promise<T>,
): Promise<{ value: T; cpuMs: number; writes: number }> {
  const before = cpuMs(pid);
  const writesBefore = writeCalls(pid);
  const value = await fn();
  return { value, cpuMs: cpuMs(pid) - before, writes: writeCalls(pid) - writesBefore };
}
