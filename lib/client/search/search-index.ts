// The in-memory search index of one Client. Message rows are sealed at rest, so there is no
// plaintext index on disk: the first search opens every stored message once, and from then
// on the message bus (every message this client stores, sent or received) keeps it current.
import { allMessages } from "../../storage";
import type { ClientContext } from "../context";
import { decodeRow } from "../messages/decode";
import type { DecodedMessage } from "../types";
import { fold } from "./fold";
import { searchableOf } from "./searchable";

export interface IndexedMessage {
  id: string;
  conversationId: string;
  senderInboxId: string;
  sentAtNs: bigint;
  expiresAtNs?: bigint;
  /** What the message says now (its newest edit's words, if edited). */
  text: string;
  folded: string;
  /** When the words in `text` were written: the message, or its newest edit. */
  textAtNs: bigint;
}

export class SearchIndex {
  private readonly entries = new Map<string, IndexedMessage>();
  private building: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private queued: DecodedMessage[] | undefined;
  /** Bumped by close(): a build still running when the index was dropped adds nothing. */
  private generation = 0;

  constructor(private readonly ctx: ClientContext) {}

  /** Builds the index on first use; later calls return at once. */
  ready(): Promise<void> {
    this.building ??= this.build().catch((err: unknown) => {
      this.close(); // the next search tries again
      throw err;
    });
    return this.building;
  }

  /** Every indexed message whose words contain the folded query, newest first. */
  find(foldedQuery: string, limit: number, nowNs: bigint): IndexedMessage[] {
    const hits: IndexedMessage[] = [];
    for (const e of this.entries.values()) {
      if (!e.folded.includes(foldedQuery)) continue;
      if (e.expiresAtNs !== undefined && e.expiresAtNs <= nowNs) continue; // disappeared
      hits.push(e);
    }
    hits.sort((a, b) => (a.sentAtNs === b.sentAtNs ? 0 : a.sentAtNs > b.sentAtNs ? -1 : 1));
    return hits.slice(0, limit);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Forgets every text (the client is closing, or history was imported): the next search rebuilds. */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.entries.clear();
    this.building = undefined;
    this.queued = undefined;
    this.generation++;
  }

  private async build(): Promise<void> {
    // Listen first: a message stored while the rows are being opened is applied after them.
    this.queued = [];
    const hear = (m: DecodedMessage) => (this.queued ? this.queued.push(m) : this.apply(m));
    const unsubscribe = this.ctx.bus.subscribe(hear);
    this.ctx.onOwnStored = hear;
    this.unsubscribe = () => {
      unsubscribe();
      if (this.ctx.onOwnStored === hear) delete this.ctx.onOwnStored;
    };
    const generation = this.generation;
    const rows = await allMessages(this.ctx.db);
    const decoded = await Promise.all(rows.map((r) => decodeRow(this.ctx.codecs, r)));
    if (generation !== this.generation) return;
    // Oldest first, so each edit lands on its target and the newest edit wins.
    decoded.sort((a, b) => (a.sentAtNs === b.sentAtNs ? 0 : a.sentAtNs < b.sentAtNs ? -1 : 1));
    for (const m of decoded) this.apply(m);
    const queued = this.queued;
    this.queued = undefined;
    for (const m of queued) this.apply(m);
  }

  private apply(m: DecodedMessage): void {
    const s = searchableOf(m);
    if (s.kind === "none") {
      if (m.deleted) this.entries.delete(m.id);
      return;
    }
    if (s.kind === "delete") {
      this.entries.delete(s.targetId);
      return;
    }
    if (s.kind === "edit") {
      const target = this.entries.get(s.targetId);
      // Only its sender may edit (receivers refuse other edits before storing them).
      if (!target || target.senderInboxId !== m.senderInboxId || target.textAtNs > m.sentAtNs)
        return;
      target.text = s.text;
      target.folded = fold(s.text);
      target.textAtNs = m.sentAtNs;
      return;
    }
    const existing = this.entries.get(m.id);
    // A pending message coming back published keeps its (possibly edited) words, takes its time.
    if (existing) {
      existing.sentAtNs = m.sentAtNs;
      return;
    }
    this.entries.set(m.id, {
      id: m.id,
      conversationId: m.conversationId,
      senderInboxId: m.senderInboxId,
      sentAtNs: m.sentAtNs,
      ...(m.expiresAtNs !== undefined ? { expiresAtNs: m.expiresAtNs } : {}),
      text: s.text,
      folded: fold(s.text),
      textAtNs: m.sentAtNs,
    });
  }
}
