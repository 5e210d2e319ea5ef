// The user's preferences that follow them across installations; for now, consent
// (PROTOCOL §5): Allowed shows in the inbox, Unknown under "Requests", Denied is hidden
// and never notifies.
import { AsyncQueue } from "../../api";
import {
  deniedInboxRecords,
  getConsentRecord,
  getConversation,
  listConsentRecords,
  type ConsentEntity,
  type ConsentRecord,
  type ConsentState,
} from "../../storage";
import { applyConsent, asClientError, effectiveConsent, setConsent } from "./consent";
import type { ClientContext } from "../context";
import { ClientError } from "../errors";

export type { ConsentEntity, ConsentRecord, ConsentState } from "../../storage";

export class Preferences {
  constructor(private readonly ctx: ClientContext) {}

  /**
   * The user's choices, stamped now (or just after a stored record stamped later by a
   * device whose clock runs ahead, so the choice always takes effect).
   */
  async setConsentStates(records: { entity: ConsentEntity; state: ConsentState }[]): Promise<void> {
    if (!Array.isArray(records))
      throw new ClientError("invalid_argument", "setConsentStates takes an array of records");
    await setConsent(this.ctx, records);
  }

  /** The stored state of exactly this entity; "unknown" when there is no record. */
  async getConsentState(entity: ConsentEntity): Promise<ConsentState> {
    return (await asClientError(() => getConsentRecord(this.ctx.db, entity)))?.state ?? "unknown";
  }

  /**
   * What a conversation's consent is in effect: the newest of its own record and, for a DM,
   * its peer inbox's record (and any duplicate group of the same DM); "unknown" if none.
   * Use it before notifying: only "allowed" notifies.
   */
  async conversationConsent(conversationId: string): Promise<ConsentState> {
    const row = await asClientError(() => getConversation(this.ctx.db, conversationId));
    if (!row) return "unknown";
    return effectiveConsent(this.ctx, row);
  }

  /**
   * Merges records from another installation: last writer wins by consentedAtNs; on a tie
   * "denied" beats "allowed" beats "unknown". Returns the records that won (were stored).
   */
  applyConsentRecords(records: ConsentRecord[]): Promise<ConsentRecord[]> {
    if (!Array.isArray(records))
      return Promise.reject(
        new ClientError("invalid_argument", "applyConsentRecords takes an array of records"),
      );
    return applyConsent(this.ctx, records);
  }

  /** Every stored record (what a new installation of this inbox needs to catch up). */
  consentRecords(): Promise<ConsentRecord[]> {
    return listConsentRecords(this.ctx.db);
  }

  /** Blocked inboxes, most recently blocked first. */
  deniedInboxes(): Promise<{ inboxId: string; consentedAtNs: bigint }[]> {
    return deniedInboxRecords(this.ctx.db);
  }

  /** Each record this client stores from now on (local choices and merged ones). */
  onConsentChange(listener: (r: ConsentRecord) => void): () => void {
    return this.ctx.consent.subscribe(listener);
  }

  /** The same as an async iterator, until `return()`. */
  streamConsent(): AsyncIterableIterator<ConsentRecord> {
    const queue = new AsyncQueue<ConsentRecord>();
    const unsubscribe = this.ctx.consent.subscribe((r) => queue.push(r));
    return {
      next: () => queue.next(),
      return: async () => {
        unsubscribe();
        queue.end();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}
