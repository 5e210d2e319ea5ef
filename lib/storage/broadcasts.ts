// Broadcast jobs at rest: whom a broadcast goes to, what it says and where each recipient
// stands, sealed like messages (one JSON blob per job, bound to its id), so a reload resumes
// it (lib/client/broadcast) and nobody with the disk learns the list or the text.
import { utf8 } from "../crypto";
import type { MessengerDb } from "./db";
import { StorageError } from "./errors";

const purpose = (id: string) => `broadcast:${id}`;

/** Writes (or replaces) a job; `state` is any JSON value. */
export async function saveBroadcast(
  db: MessengerDb,
  id: string,
  createdAt: number,
  state: unknown,
): Promise<void> {
  const sealed = await db.sealing.seal(purpose(id), utf8(JSON.stringify(state)));
  await db.broadcasts.put({ id, createdAt, sealed });
}

/** Every stored job, oldest first, opened. */
export async function loadBroadcasts(
  db: MessengerDb,
): Promise<{ id: string; createdAt: number; state: unknown }[]> {
  const rows = await db.broadcasts.orderBy("createdAt").toArray();
  return Promise.all(
    rows.map(async (r) => {
      const plain = await db.sealing.open(purpose(r.id), r.sealed);
      try {
        return {
          id: r.id,
          createdAt: r.createdAt,
          state: JSON.parse(new TextDecoder().decode(plain)),
        };
      } catch (cause) {
        throw new StorageError("sealed_record_corrupt", `broadcast ${r.id} is not JSON`, { cause });
      }
    }),
  );
}

export async function deleteBroadcast(db: MessengerDb, id: string): Promise<void> {
  await db.broadcasts.delete(id);
}
