// The cold-reload bench's filler (cold-reload.pw.ts), run on the app's own origin so it
// writes into the signed-in person's store: N text messages in one conversation, sealed and
// stored through lib/storage as the app stores what it receives. Bundled by esbuild.
import { Client } from "../../lib/client";
import type { ClientContext } from "../../lib/client/context";
import { storeTextRows, textRow } from "../text-rows";

declare global {
  interface Window {
    fillThread: typeof fillThread;
  }
}

/** Writes `count` messages into `conversationId`, newest last; returns the newest's text. */
async function fillThread(address: string, conversationId: string, count: number, tag: string) {
  const client = await Client.restore(address, { apiUrl: location.origin });
  try {
    const db = (client as unknown as { ctx: ClientContext }).ctx.db;
    const me = client.inboxId;
    const peer = (await client.conversations.summaries()).find(
      (c) => c.id === conversationId,
    )?.peerInboxId;
    if (!peer) throw new Error(`no DM ${conversationId} in ${address}'s store`);
    // Newer than anything sent so far, 1 µs apart: the thread's newest page is all filled rows.
    const start = BigInt(Date.now()) * 1_000_000n;
    const rows = Array.from({ length: count }, (_, n) =>
      textRow({
        conversationId,
        senderInboxId: n % 2 ? me : peer,
        sentAtNs: start + BigInt(n) * 1_000n,
        text: `${tag} ${n}: ${"lorem ipsum dolor sit amet ".repeat(3)}`,
      }),
    );
    // The newest through addMessage, as the app stores it: the list's preview and order.
    await storeTextRows(db, rows, {
      lasts: new Set([rows[rows.length - 1]!.id]),
      me,
      preview: () => `${tag} ${count - 1}`,
    });
    return `${tag} ${count - 1}:`;
  } finally {
    await client.close();
  }
}

window.fillThread = fillThread;
