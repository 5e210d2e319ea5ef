// What the conversation list reads, in ONE read transaction: every conversation row, every
// consent record and the pinned/archived choices. The list's live query re-runs after every
// message sent or received; as three reads it opened three transactions each time, and in
// Chromium opening one costs the page's main thread about a millisecond on a loaded machine
// (bench/README.md, session 9). One transaction also reads the three at one moment.
import type { MessengerDb } from "./db";
import { consentRecordOf, type ConsentRecord } from "./consent";
import type { ConversationPrefs } from "./conversation-prefs";
import { openConversation } from "./sealed-rows";
import type { ConversationRow } from "./schema";

export interface ConversationList {
  /** Most recent activity first, opened (as listConversations). */
  rows: ConversationRow[];
  consent: ConsentRecord[];
  prefs: ConversationPrefs;
}

export async function readConversationList(db: MessengerDb): Promise<ConversationList> {
  const [stored, consent, self] = await db.transaction(
    "r",
    db.conversations,
    db.consent,
    db.identity,
    () =>
      Promise.all([
        db.conversations.orderBy("lastMessageAtNs").reverse().toArray(),
        db.consent.toArray(),
        db.identity.get("self"),
      ]),
  );
  // Opened after the transaction: WebCrypto inside it would end it.
  const rows = await Promise.all(stored.map((r) => openConversation(db.sealing.open, r)));
  return { rows, consent: consent.map(consentRecordOf), prefs: self?.conversationPrefs ?? {} };
}
