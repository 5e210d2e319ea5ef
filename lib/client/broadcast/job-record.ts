// A broadcast job as it is stored (sealed, storage/broadcasts.ts) so a reload resumes it: the
// recipients, the message (its files until they are uploaded, then the parts every DM gets,
// as EncodedContent bytes so attachments' keys round-trip exactly) and, per recipient, its
// state and the idempotency time chosen for each part BEFORE sending it. A run resumed after
// a reload sends each part again with that time, which finds the message already stored (or
// makes the same message id, which receivers keep once): never a second copy.
import {
  ContentTypeAttachment,
  encodeEncodedContent,
  type Attachment,
  type CodecRegistry,
  type ContentTypeId,
} from "../../content";
import { fromBase64, toBase64 } from "../../crypto";
import { ClientError } from "../errors";
import type { Recipient } from "./recipients";

export type BroadcastStatus = "waiting" | "sending" | "sent" | "skipped" | "failed";
export type SkipReason = "blocked_by_you" | "not_on_network" | "yourself";

export interface BroadcastEntry {
  input: string;
  status: BroadcastStatus;
  skip?: SkipReason;
  /** Why it failed (or, while sending, what it waits for): a sentence. */
  reason?: string;
  conversationId?: string;
}

export type Part = { type: ContentTypeId; content: unknown };

export interface Slot {
  recipient: Recipient;
  entry: BroadcastEntry;
  /** Per part: the idempotency time (decimal ns) chosen before it was first sent. */
  plannedAtNs: (string | null)[];
  partsDone: boolean[];
}

export interface JobRecord {
  v: 1;
  text?: string;
  /** xmtp.org/attachment EncodedContent (base64), kept until the files are uploaded. */
  files?: string[];
  parts?: { type: ContentTypeId; encoded: string }[];
  intervalMs?: number;
  error?: string;
  rateLimited: number;
  slots: Slot[];
}

const encode = (codecs: CodecRegistry, type: ContentTypeId, content: unknown) =>
  toBase64(encodeEncodedContent(codecs.encode(type, content)));

async function decode(codecs: CodecRegistry, encoded: string): Promise<unknown> {
  return (await codecs.decodeBytes(fromBase64(encoded))).content;
}

export function recordFiles(codecs: CodecRegistry, files: Attachment[]): string[] {
  return files.map((f) => encode(codecs, ContentTypeAttachment, f));
}

export function recordParts(codecs: CodecRegistry, parts: Part[]): JobRecord["parts"] {
  return parts.map((p) => ({ type: p.type, encoded: encode(codecs, p.type, p.content) }));
}

/** The stored job's message and parts, decoded; a stored job that does not decode is refused. */
export async function openRecord(
  codecs: CodecRegistry,
  r: JobRecord,
): Promise<{ files: Attachment[]; parts?: Part[] }> {
  if (r?.v !== 1 || !Array.isArray(r.slots))
    throw new ClientError("invalid_argument", "a stored broadcast has an unknown format");
  const files = await Promise.all((r.files ?? []).map((f) => decode(codecs, f)));
  const parts = r.parts
    ? await Promise.all(
        r.parts.map(async (p) => ({ type: p.type, content: await decode(codecs, p.encoded) })),
      )
    : undefined;
  return { files: files as Attachment[], ...(parts ? { parts } : {}) };
}

/** A slot as it restarts: a recipient cut off while sending is waiting again. */
export function restoredSlot(s: Slot): Slot {
  return {
    ...s,
    entry: s.entry.status === "sending" ? { ...s.entry, status: "waiting" } : s.entry,
  };
}
