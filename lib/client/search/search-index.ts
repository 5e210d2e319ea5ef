// The in-memory search index of one Client. Message rows are sealed at rest, so there is no
// plaintext index on disk: the first search opens every stored message once, and from then
// on the message bus (every message this client stores, sent or received) keeps it current.
// Other tabs of the account store messages too (only the leader tab streams; the service
// worker stores pushed ones): each announces the ids it stored on a BroadcastChannel, and a
// tab with an index opens those rows from the store.
import { allMessages, getMessage } from "../../storage";
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

  /** Ids this tab stored, announced to the account's other tabs once per microtask. */
  private announcing: string[] = [];
  private readonly channel: BroadcastChannel | undefined;
  private readonly stopAnnouncing: (() => void) | undefined;

  constructor(private readonly ctx: ClientContext) {
    if (typeof BroadcastChannel === "undefined") return;
    this.channel = new BroadcastChannel(`messenger:search:${ctx.db.name}`);
    this.channel.onmessage = (e: MessageEvent) => void this.heard(e.data).catch(() => undefined);
    this.stopAnnouncing = ctx.bus.subscribe((m) => this.announce(m.id));
  }

  /** The client is closing: no more announcing or hearing. */
  dispose(): void {
    this.close();
    this.stopAnnouncing?.();
    this.channel?.close();
  }

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

  private announce(id: string): void {
    this.announcing.push(id);
    if (this.announcing.length > 1) return;
    queueMicrotask(() => this.channel?.postMessage({ ids: this.announcing.splice(0) }));
  }

  /** Another tab stored these messages: a built (or building) index takes them from the store. */
  private async heard(data: unknown): Promise<void> {
    if (!this.building) return; // no index in this tab: the first search reads the store
    const ids = (data as { ids?: unknown })?.ids;
    if (!Array.isArray(ids)) return;
    const generation = this.generation;
    for (const id of ids) {
      if (typeof id !== "string") continue;
      const row = await getMessage(this.ctx.db, id).catch(() => undefined);
      if (!row || generation !== this.generation) continue;
      const m = await decodeRow(this.ctx.codecs, row);
      if (this.queued) this.queued.push(m);
      else this.apply(m);
    }
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
