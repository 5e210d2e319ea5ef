// One JSON line per event on stdout. Never pass payloads, keys or signatures here.
export type LogFields = Record<string, string | number | boolean | bigint | undefined | null>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

// Info lines are gathered and written together at most every FLUSH_MS (or once 64 KiB
// wait): a write to a pipe is a system call that wakes the reader, and on this VM that
// costs the writer ~70 µs of CPU; the node logs a line per RPC, so flushing once per
// event-loop turn still made about one write per single send. Warnings and errors go
// out at once (with what waits before them); whatever waits is written at exit.
const FLUSH_MS = 20;
const FLUSH_BYTES = 64 * 1024;
let pending: string[] = [];
let pendingBytes = 0;
let timer: NodeJS.Timeout | undefined;

function flush(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
  if (pending.length === 0) return;
  const out = pending.join("");
  pending = [];
  pendingBytes = 0;
  process.stdout.write(out);
}

process.on("exit", flush);

function write(level: string, msg: string, fields?: LogFields): void {
  const line: Record<string, unknown> = { time: new Date().toISOString(), level, msg };
  if (fields) {
    for (const [k, v] of Object.entries(fields)) {
      if (v !== undefined) line[k] = typeof v === "bigint" ? v.toString() : v;
    }
  }
  const text = JSON.stringify(line) + "\n";
  pending.push(text);
  pendingBytes += text.length;
  if (level !== "info" || pendingBytes >= FLUSH_BYTES) flush();
  else timer ??= setTimeout(flush, FLUSH_MS);
}

export const log: Logger = {
  info: (msg, fields) => write("info", msg, fields),
  warn: (msg, fields) => write("warn", msg, fields),
  error: (msg, fields) => write("error", msg, fields),
};

export function errorFields(err: unknown): LogFields {
  if (err instanceof Error) return { error: err.message, errorName: err.name };
  return { error: String(err) };
}
