// The last frame of a backup: what the frames before it hold (so a restore can tell a file
// that lost frames from a whole one) and the preferences that are not history: pinned and
// archived conversations, and per-conversation mutes, each with the time it was chosen.
import { BackupError } from "./backup-error";

export interface BackupTrailer {
  kind: "end";
  inboxId: string;
  exportedAtNs: string;
  /** Archive frames before this one. */
  frames: number;
  conversations: number;
  messages: number;
  consent: number;
  prefs: { key: string; field: "pinned" | "archived"; on: boolean; atNs: string }[];
  mutes: { id: string; muted: boolean; atNs: string }[];
}

type Obj = Record<string, unknown>;
const DECIMAL = /^(?:0|[1-9]\d{0,19})$/;
const KEY = /^(?:dm:)?[0-9a-f:]{2,300}$/;

function bad(what: string): never {
  throw new BackupError("malformed", `the backup's summary: ${what}`);
}

function obj(v: unknown, path: string): Obj {
  if (!v || typeof v !== "object" || Array.isArray(v)) bad(`${path} must be an object`);
  return v as Obj;
}

function count(o: Obj, f: string): number {
  const v = o[f];
  if (!Number.isSafeInteger(v) || (v as number) < 0) bad(`${f} must be a count`);
  return v as number;
}

function str(o: Obj, f: string, path: string, re: RegExp): string {
  const v = o[f];
  if (typeof v !== "string" || !re.test(v)) bad(`${path}.${f} is not valid`);
  return v;
}

function bool(o: Obj, f: string, path: string): boolean {
  if (typeof o[f] !== "boolean") bad(`${path}.${f} must be true or false`);
  return o[f] as boolean;
}

function array(o: Obj, f: string): unknown[] {
  if (!Array.isArray(o[f])) bad(`${f} must be a list`);
  return o[f] as unknown[];
}

/** A trailer built only from checked fields. */
export function validateTrailer(value: unknown): BackupTrailer {
  const o = obj(value, "trailer");
  if (o.kind !== "end") bad(`kind must be "end"`);
  return {
    kind: "end",
    inboxId: str(o, "inboxId", "trailer", /^(?:[0-9a-f]{2})+$/),
    exportedAtNs: str(o, "exportedAtNs", "trailer", DECIMAL),
    frames: count(o, "frames"),
    conversations: count(o, "conversations"),
    messages: count(o, "messages"),
    consent: count(o, "consent"),
    prefs: array(o, "prefs").map((v, i) => {
      const p = obj(v, `prefs[${i}]`);
      const field = p.field;
      if (field !== "pinned" && field !== "archived") bad(`prefs[${i}].field is not valid`);
      return {
        key: str(p, "key", `prefs[${i}]`, KEY),
        field,
        on: bool(p, "on", `prefs[${i}]`),
        atNs: str(p, "atNs", `prefs[${i}]`, DECIMAL),
      };
    }),
    mutes: array(o, "mutes").map((v, i) => {
      const m = obj(v, `mutes[${i}]`);
      return {
        id: str(m, "id", `mutes[${i}]`, KEY),
        muted: bool(m, "muted", `mutes[${i}]`),
        atNs: str(m, "atNs", `mutes[${i}]`, DECIMAL),
      };
    }),
  };
}
