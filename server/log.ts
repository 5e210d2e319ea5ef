// One JSON line per event on stdout. Never pass payloads, keys or signatures here.
export type LogFields = Record<string, string | number | boolean | bigint | undefined | null>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

function write(level: string, msg: string, fields?: LogFields): void {
  const line: Record<string, unknown> = { time: new Date().toISOString(), level, msg };
  if (fields) {
    for (const [k, v] of Object.entries(fields)) {
      if (v !== undefined) line[k] = typeof v === "bigint" ? v.toString() : v;
    }
  }
  process.stdout.write(JSON.stringify(line) + "\n");
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
