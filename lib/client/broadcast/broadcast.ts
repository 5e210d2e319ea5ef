// One message to many people, each in their OWN DM with the sender (the existing one, or a
// new one). Recipients go one at a time, paced under the node's rate limits (pacing.ts);
// a refusal for rate is waited out, never a failure. Opt-in: a person this inbox blocked is
// skipped (nothing is created or sent); a person who blocked us gets the DM like anyone, and
// their own client keeps it hidden (consent is theirs, the sender cannot see it). Every part
// part gets its idempotency time chosen and stored (sealed, job-record.ts) before it is sent,
// so neither a retry nor a run resumed after a reload ever sends one twice. A run holds the
// job's Web Lock: two tabs never run one job at once.
import {
  ContentTypeMultiRemoteAttachment,
  ContentTypeRemoteAttachment,
  type Attachment,
  type RemoteAttachment,
} from "../../content";
import { randomBytes, toHex } from "../../crypto";
import { getConsentRecord, loadBroadcasts, saveBroadcast } from "../../storage";
import type { ClientContext } from "../context";
import type { Conversation } from "../conversations/conversation";
import { textTypeOf } from "../conversations/conversation";
import type { Conversations } from "../conversations/conversations";
import { ClientError } from "../errors";
import { verifiedInboxIds } from "../inbox-lookup";
import { checkAttachmentFile, uploadEncrypted } from "../messages/attachments";
import { MAX_FILES_PER_MESSAGE } from "../messages/file-limits";
import { withLock } from "../locks";
import { sendContent } from "../messages/send";
import {
  openRecord,
  recordFiles,
  recordParts,
  restoredSlot,
  type BroadcastEntry,
  type BroadcastStatus,
  type JobRecord,
  type Part,
  type SkipReason,
  type Slot,
} from "./job-record";
import { Pacer, rateLimitOf } from "./pacing";
import type { Recipient } from "./recipients";

export interface BroadcastMessage {
  text?: string;
  /** Uploaded once (encrypted, one key per file); every DM gets the same reference. */
  files?: Attachment[];
}

export type { BroadcastEntry, BroadcastStatus, SkipReason };

export interface BroadcastProgress {
  id: string;
  /** When it was started (ms since epoch). */
  createdAt: number;
  total: number;
  /** Recipients finished (sent, skipped or failed). */
  done: number;
  sent: number;
  skipped: number;
  failed: number;
  running: boolean;
  /** Times the node said "slow down" (each waited out). */
  rateLimited: number;
  entries: readonly BroadcastEntry[];
  /** When the whole broadcast could not start (e.g. the files could not be uploaded). */
  error?: string;
}

const MAX_LIMIT_WAITS = 12;
const SKIP_TEXT: Record<SkipReason, string> = {
  blocked_by_you: "you blocked them",
  not_on_network: "not on the network (has not activated messaging)",
  yourself: "that is you",
};

export function skipText(reason: SkipReason): string {
  return SKIP_TEXT[reason];
}

export class BroadcastJob {
  readonly id: string;
  readonly createdAt: number;
  private readonly slots: Slot[];
  private readonly listeners = new Set<() => void>();
  private parts: Part[] | undefined;
  private running = false;
  private error: string | undefined;
  private pacer: Pacer;
  private view: BroadcastProgress;
  private runPromise: Promise<BroadcastProgress> | undefined;
  /** Writes of the job's state, one after another (the last one is the newest state). */
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: ClientContext,
    private readonly conversations: Conversations,
    recipients: Recipient[],
    private message: BroadcastMessage,
    private readonly intervalMs?: number,
    restored?: { id: string; createdAt: number; record: JobRecord; parts?: Part[] },
  ) {
    if (!restored) checkMessage(message); // a stored job was checked when it started
    if (recipients.length === 0)
      throw new ClientError("invalid_argument", "a broadcast needs at least one recipient");
    this.id = restored?.id ?? `broadcast-${toHex(randomBytes(8))}`;
    this.createdAt = restored?.createdAt ?? Date.now();
    this.slots =
      restored?.record.slots.map(restoredSlot) ??
      recipients.map((recipient) => ({
        recipient,
        entry: { input: recipient.input, status: "waiting" },
        plannedAtNs: [],
        partsDone: [],
      }));
    this.parts = restored?.parts;
    this.error = restored?.record.error;
    this.pacer = new Pacer(intervalMs);
    this.pacer.limited = restored?.record.rateLimited ?? 0;
    this.view = this.snapshot();
  }

  /** A job read back from storage (after a reload): not running until `run()`. */
  static async restore(
    ctx: ClientContext,
    conversations: Conversations,
    stored: { id: string; createdAt: number; state: unknown },
  ): Promise<BroadcastJob> {
    const record = stored.state as JobRecord;
    const { files, parts } = await openRecord(ctx.codecs, record);
    const message: BroadcastMessage = {
      ...(record.text !== undefined ? { text: record.text } : {}),
      ...(files.length > 0 ? { files } : {}),
    };
    return new BroadcastJob(
      ctx,
      conversations,
      record.slots.map((s) => s.recipient),
      message,
      record.intervalMs,
      { id: stored.id, createdAt: stored.createdAt, record, ...(parts ? { parts } : {}) },
    );
  }

  /**
   * Another tab may have run this job while this one waited for its lock: a recipient it
   * finished stays finished, and a part it chose a time for keeps that time (so the same
   * message), whatever this tab's older copy says.
   */
  private async refresh(): Promise<void> {
    const stored = (await loadBroadcasts(this.ctx.db)).find((b) => b.id === this.id);
    const record = stored?.state as JobRecord | undefined;
    if (!record?.slots || record.slots.length !== this.slots.length) return;
    record.slots.forEach((s, i) => {
      const mine = this.slots[i]!;
      if (mine.entry.status !== "waiting") return;
      if (s.entry.status === "sent" || s.entry.status === "skipped") this.slots[i] = s;
      else
        s.plannedAtNs.forEach((at, part) => {
          if (at && !mine.plannedAtNs[part]) mine.plannedAtNs[part] = at;
        });
    });
    if (record.parts && !this.parts) this.parts = (await openRecord(this.ctx.codecs, record)).parts;
  }

  /** Whether recipients remain to be tried (a run was cut short). */
  unfinished(): boolean {
    return !this.running && this.slots.some((s) => s.entry.status === "waiting");
  }

  /** Stores the job as it is now (sealed); resolves once this state is on disk. */
  save(): Promise<void> {
    const record: JobRecord = {
      v: 1,
      ...(this.message.text !== undefined ? { text: this.message.text } : {}),
      ...(this.parts
        ? { parts: recordParts(this.ctx.codecs, this.parts) }
        : { files: recordFiles(this.ctx.codecs, this.message.files ?? []) }),
      ...(this.intervalMs !== undefined ? { intervalMs: this.intervalMs } : {}),
      ...(this.error ? { error: this.error } : {}),
      rateLimited: this.pacer.limited,
      slots: this.slots.map((s) => ({ ...s, plannedAtNs: [...s.plannedAtNs] })),
    };
    this.saving = this.saving
      .catch(() => undefined)
      .then(() => saveBroadcast(this.ctx.db, this.id, this.createdAt, record));
    return this.saving;
  }

  /** The latest state; the same object until something changes (for useSyncExternalStore). */
  progress(): BroadcastProgress {
    return this.view;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends to every recipient not yet done; resolves with the final report. */
  run(): Promise<BroadcastProgress> {
    // Another tab running this job holds its lock: this one waits, then carries on from what
    // that tab stored (never from its own older copy), so no recipient is sent to twice.
    this.runPromise ??= withLock(`${this.ctx.lockPrefix}:broadcast:${this.id}`, async () => {
      await this.refresh();
      return this.runAll();
    }).finally(() => (this.runPromise = undefined));
    return this.runPromise;
  }

  /** Tries the failed recipients again; those already sent are left alone. */
  retryFailed(): Promise<BroadcastProgress> {
    if (this.running) return this.run();
    for (const s of this.slots)
      if (s.entry.status === "failed") s.entry = { input: s.entry.input, status: "waiting" };
    this.error = undefined;
    this.pacer = new Pacer(this.intervalMs);
    this.changed();
    return this.run();
  }

  private async runAll(): Promise<BroadcastProgress> {
    this.running = true;
    this.changed();
    try {
      await this.save();
      if (!this.parts) {
        this.parts = await this.prepare();
        // Uploaded: the parts (with their keys) replace the files in the stored job.
        await this.save();
      }
      for (const slot of this.slots) {
        if (slot.entry.status !== "waiting") continue;
        await this.pacer.turn();
        await this.deliverPaced(slot, this.parts);
      }
    } catch (err) {
      this.error = (err as Error).message;
      for (const s of this.slots)
        if (s.entry.status === "waiting")
          s.entry = { ...s.entry, status: "failed", reason: `not started: ${this.error}` };
    } finally {
      this.running = false;
      this.changed();
      await this.saving.catch((err: unknown) => {
        this.error ??= `progress not saved: ${(err as Error).message}`;
      });
    }
    return this.view;
  }

  /** The parts every DM gets: the text, then the files (uploaded here, once). */
  private async prepare(): Promise<Part[]> {
    const parts: Part[] = [];
    const text = this.message.text?.trim();
    if (text) parts.push({ type: textTypeOf(text), content: text });
    const files = this.message.files ?? [];
    if (files.length > 0) {
      const remotes: RemoteAttachment[] = [];
      for (const f of files) remotes.push(await uploadEncrypted(this.ctx, f, {}));
      parts.push(
        remotes.length === 1
          ? { type: ContentTypeRemoteAttachment, content: remotes[0] }
          : { type: ContentTypeMultiRemoteAttachment, content: { attachments: remotes } },
      );
    }
    return parts;
  }

  private async deliverPaced(slot: Slot, parts: Part[]): Promise<void> {
    this.set(slot, { status: "sending" });
    for (let waits = 0; ; waits++) {
      try {
        const skip = await this.deliver(slot, parts);
        this.set(slot, skip ? { status: "skipped", skip } : { status: "sent" });
        return;
      } catch (err) {
        const limit = rateLimitOf(err);
        if (limit && waits < MAX_LIMIT_WAITS) {
          const seconds = Math.ceil(limit.retryAfterMs / 1000);
          this.set(slot, {
            status: "sending",
            reason: `the node asked to slow down: waiting ${seconds} s`,
          });
          await this.pacer.limitedFor(limit.retryAfterMs);
          continue;
        }
        this.set(slot, { status: "failed", reason: (err as Error).message });
        return;
      }
    }
  }

  /** One recipient: find (or make) the DM, then send each part not yet sent. */
  private async deliver(slot: Slot, parts: Part[]): Promise<SkipReason | undefined> {
    let conversation: Conversation | undefined;
    if (slot.entry.conversationId) {
      conversation = await this.conversations.getById(slot.entry.conversationId);
    } else {
      const found = await this.conversationFor(slot.recipient);
      if (typeof found === "string") return found;
      conversation = found;
      slot.entry = { ...slot.entry, conversationId: found.id };
    }
    if (!conversation) throw new ClientError("conversation_not_found", "the DM is gone");
    for (const [i, part] of parts.entries()) {
      if (slot.partsDone[i]) continue;
      // The time (so the message id) is fixed and on disk before the message exists: sending
      // again after a failure or a reload finds the same message, never makes a second.
      let at = slot.plannedAtNs[i];
      if (!at) {
        at = (BigInt(Date.now()) * 1_000_000n + BigInt(i)).toString();
        slot.plannedAtNs[i] = at;
        await this.save();
      }
      await sendContent(this.ctx, conversation.id, part.type, part.content, {
        sentAtNs: BigInt(at),
      });
      slot.partsDone[i] = true;
    }
    return undefined;
  }

  private async conversationFor(r: Recipient): Promise<Conversation | SkipReason> {
    const self = this.ctx.installation.inboxId;
    let address: string;
    let inboxId: string | undefined;
    if (r.kind === "inbox") {
      if (r.value === self) return "yourself";
      const state = await this.ctx.resolver.state(r.value);
      if (!state) return "not_on_network";
      inboxId = r.value;
      address = state.recoveryAddress;
    } else {
      address = r.kind === "name" ? await this.ctx.names.resolve(r.value) : r.value;
      inboxId = (await verifiedInboxIds(this.ctx.api, this.ctx.resolver, [address])).get(address);
      if (!inboxId) return "not_on_network";
      if (inboxId === self) return "yourself";
    }
    // Blocked by this inbox (here or on another device, via the sync group): never contacted.
    const record = await getConsentRecord(this.ctx.db, { kind: "inbox", inboxId });
    if (record?.state === "denied") return "blocked_by_you";
    const existing = await this.conversations.findDmByAddress(address);
    if (existing && (await existing.consentState()) === "denied") return "blocked_by_you";
    const dm = existing ?? (await this.conversations.newDm(address));
    if (dm.peerInboxId !== inboxId)
      throw new ClientError(
        "node_inconsistent",
        `${r.input}: the DM found belongs to another inbox (${dm.peerInboxId})`,
      );
    return dm;
  }

  private set(slot: Slot, patch: Partial<BroadcastEntry>): void {
    const { reason: _drop, ...rest } = slot.entry;
    slot.entry = { ...rest, ...patch };
    this.changed();
  }

  private changed(): void {
    this.view = this.snapshot();
    for (const l of this.listeners) l();
    void this.save().catch(() => undefined); // the run's end awaits the last write
  }

  private snapshot(): BroadcastProgress {
    const entries = this.slots.map((s) => s.entry);
    const count = (st: BroadcastStatus) => entries.filter((e) => e.status === st).length;
    const sent = count("sent");
    const skipped = count("skipped");
    const failed = count("failed");
    return {
      id: this.id,
      createdAt: this.createdAt,
      total: entries.length,
      done: sent + skipped + failed,
      sent,
      skipped,
      failed,
      running: this.running,
      rateLimited: this.pacer?.limited ?? 0,
      entries,
      ...(this.error ? { error: this.error } : {}),
    };
  }
}

function checkMessage(m: BroadcastMessage): void {
  const text = typeof m?.text === "string" ? m.text.trim() : "";
  const files = m?.files ?? [];
  if (m?.text !== undefined && typeof m.text !== "string")
    throw new ClientError("invalid_argument", "the broadcast text must be a string");
  if (!Array.isArray(files))
    throw new ClientError("invalid_argument", "the broadcast files must be an array");
  if (!text && files.length === 0)
    throw new ClientError("invalid_argument", "a broadcast needs some text or a file");
  if (files.length > MAX_FILES_PER_MESSAGE)
    throw new ClientError(
      "invalid_argument",
      `${files.length} files picked; one message carries at most ${MAX_FILES_PER_MESSAGE}`,
    );
  files.forEach(checkAttachmentFile);
}
