import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { MessengerDb } from "..";

export function dbName(): string {
  return `test-${crypto.randomUUID()}`;
}

export function openDb(name = dbName()): MessengerDb {
  return new MessengerDb(name, { indexedDB, IDBKeyRange });
}

/** Every record of every object store, read with the raw IndexedDB API (no Dexie). */
export async function rawRecords(name: string): Promise<unknown[]> {
  const idb = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(name);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const stores = Array.from(idb.objectStoreNames);
  const tx = idb.transaction(stores, "readonly");
  const all = await Promise.all(
    stores.map(
      (s) =>
        new Promise<unknown[]>((resolve, reject) => {
          const req = tx.objectStore(s).getAll();
          req.onsuccess = () => resolve(req.result as unknown[]);
          req.onerror = () => reject(req.error);
        }),
    ),
  );
  idb.close();
  return all.flat();
}

/** All byte arrays and strings reachable from a value. */
export function bytesIn(value: unknown, out: Uint8Array[] = []): Uint8Array[] {
  if (value instanceof Uint8Array) out.push(value);
  else if (value instanceof ArrayBuffer) out.push(new Uint8Array(value));
  else if (typeof value === "string") out.push(new TextEncoder().encode(value));
  else if (value && typeof value === "object")
    for (const v of Object.values(value)) bytesIn(v, out);
  return out;
}

export function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
