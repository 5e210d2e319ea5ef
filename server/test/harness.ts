// Starts a REAL node process (tsx server/node-main.ts) on a free port with a fresh
// temp DATA_DIR and waits for its "listening" line. Used by server tests and the
// lead's integration tests.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { dropSchema, freshSchema } from "./pg-schema";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface StartedNode {
  url: string;
  dataDir: string;
  /** PostgreSQL schema the node uses (with databaseUrl), else undefined. */
  schema?: string;
  /** Every stdout line so far (JSON log lines). */
  logs: string[];
  /**
   * The first log line matching, waiting up to `ms` for it: info lines are written together
   * every 20 ms at most (server/log.ts), so one may arrive a moment after the response.
   */
  logLine(match: (line: string) => boolean, ms?: number): Promise<string | undefined>;
  child: ChildProcess;
  /** SIGTERM, wait for exit, remove the temp DATA_DIR it created. */
  stop(): Promise<void>;
  /**
   * SIGKILL at once (crash simulation). What the harness created (temp dir, fresh schema)
   * is removed once it exits; pass dataDir / env.DATABASE_SCHEMA yourself to restart on the same data.
   */
  kill(): void;
}

export interface StartNodeOptions {
  /**
   * PostgreSQL instead of PGlite. Without env.DATABASE_SCHEMA the node gets a fresh
   * schema that stop() drops; pass the same DATABASE_SCHEMA to several nodes to share one.
   */
  databaseUrl?: string;
  /** Reuse a folder (e.g. restart after kill); default a fresh temp dir. */
  dataDir?: string;
  env?: Record<string, string>;
  /** Default 110 s (first PGlite open takes ~6 s alone, over a minute when the machine is loaded; hooks get 120 s). */
  timeoutMs?: number;
}

export async function startNode(opts: StartNodeOptions = {}): Promise<StartedNode> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "messenger-node-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: "0",
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    NO_COLOR: "1",
    ...opts.env,
  };
  let ownSchema: string | undefined;
  if (opts.databaseUrl) {
    env.DATABASE_URL = opts.databaseUrl;
    if (!opts.env?.DATABASE_SCHEMA) env.DATABASE_SCHEMA = ownSchema = freshSchema();
  } else {
    delete env.DATABASE_URL;
    delete env.DATABASE_SCHEMA;
  }
  // The node itself, not the tsx CLI: the CLI runs the script in a child process, so a
  // SIGKILL to it would orphan the real node (still listening) instead of crashing it.
  // BENCH_NODE_ARGS: flags for the node processes that NODE_OPTIONS refuses (e.g.
  // "--cpu-prof --cpu-prof-dir=/tmp/prof": Node will not take --cpu-prof from NODE_OPTIONS).
  const extraArgs = process.env.BENCH_NODE_ARGS?.trim().split(/\s+/).filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extraArgs, "--import", "tsx", "server/node-main.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const url = await new Promise<string>((resolve, reject) => {
    let buf = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `node did not print "listening" within ${opts.timeoutMs ?? 110_000} ms; stderr: ${stderr}`,
        ),
      );
    }, opts.timeoutMs ?? 110_000);
    child.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        logs.push(line);
        if (line.includes('"msg":"listening"')) {
          const m = /"url":"([^"]+)"/.exec(line);
          if (m?.[1]) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        }
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(
        new Error(
          `node exited (${code}) before listening; stderr: ${stderr}; stdout: ${logs.join("\n")}`,
        ),
      );
    });
  });

  const cleanup = async () => {
    if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (ownSchema && opts.databaseUrl) await dropSchema(opts.databaseUrl, ownSchema);
  };
  return {
    url,
    dataDir,
    schema: opts.databaseUrl ? env.DATABASE_SCHEMA : undefined,
    logs,
    async logLine(match, ms = 2_000) {
      const until = Date.now() + ms;
      for (;;) {
        const line = logs.find(match);
        if (line || Date.now() > until) return line;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await cleanup();
    },
    kill() {
      child.kill("SIGKILL");
      void exited.then(cleanup).catch(() => undefined);
    },
  };
}
