// One message to many people, each in their OWN DM with the sender (the existing one, or a
// new one). Recipients go one at a time, paced under the node's rate limits (pacing.ts);
// a refusal for rate is waited out, never a failure. Opt-in: a person this inbox blocked is
// skipped (nothing is created or sent); a person who blocked us gets the DM like anyone, and
// their own client keeps it hidden (consent is theirs, the sender cannot see it). Every part
// sent is remembered by message id, so retrying failed recipients never sends one twice.
import {
  ContentTypeMultiRemoteAttachment,
  ContentTypeRemoteAttachment,
  type Attachment,
  type ContentTypeId,
  type RemoteAttachment,
} from "../../content";
import { getConsentRecord } from "../../storage";
import type { ClientContext } from "../context";
import type { Conversation } from "../conversations/conversation";
import { textTypeOf } from "../conversations/conversation";
import type { Conversations } from "../conversations/conversations";
import { ClientError } from "../errors";
import { verifiedInboxIds } from "../inbox-lookup";
import { checkAttachmentFile, uploadEncrypted } from "../messages/attachments";
import { MAX_FILES_PER_MESSAGE } from "../messages/file-limits";
import { publishMessage, sendContent } from "../messages/send";
import { Pacer, rateLimitOf } from "./pacing";
import type { Recipient } from "./recipients";

export interface BroadcastMessage {
  text?: string;
  /** Uploaded once (encrypted, one key per file); every DM gets the same reference. */
  files?: Attachment[];
}

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

export interface BroadcastProgress {
  id: string;
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

type Part = { type: ContentTypeId; content: unknown };
interface Slot {
  recipient: Recipient;
  entry: BroadcastEntry;
  /** Message id per part once stored: a retry republishes it, never sends a new one. */
  messageIds: (string | undefined)[];
  partsDone: boolean[];
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

let counter = 0;

export class BroadcastJob {
  readonly id = `broadcast-${Date.now()}-${++counter}`;
  private readonly slots: Slot[];
  private readonly listeners = new Set<() => void>();
  private parts: Part[] | undefined;
  private running = false;
  private error: string | undefined;
  private pacer: Pacer;
  private view: BroadcastProgress;
  private runPromise: Promise<BroadcastProgress> | undefined;

  constructor(
    private readonly ctx: ClientContext,
    private readonly conversations: Conversations,
    recipients: Recipient[],
    private readonly message: BroadcastMessage,
    private readonly intervalMs?: number,
  ) {
    checkMessage(message);
    if (recipients.length === 0)
      throw new ClientError("invalid_argument", "a broadcast needs at least one recipient");
    this.slots = recipients.map((recipient) => ({
      recipient,
      entry: { input: recipient.input, status: "waiting" },
      messageIds: [],
      partsDone: [],
    }));
    this.pacer = new Pacer(intervalMs);
    this.view = this.snapshot();
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
    this.runPromise ??= this.runAll().finally(() => (this.runPromise = undefined));
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
      this.parts ??= await this.prepare();
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
      const stored = slot.messageIds[i];
      if (stored) await publishMessage(this.ctx, stored);
      else
        await sendContent(this.ctx, conversation.id, part.type, part.content, (id) => {
          slot.messageIds[i] = id;
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
  }

  private snapshot(): BroadcastProgress {
    const entries = this.slots.map((s) => s.entry);
    const count = (st: BroadcastStatus) => entries.filter((e) => e.status === st).length;
    const sent = count("sent");
    const skipped = count("skipped");
    const failed = count("failed");
    return {
      id: this.id,
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
