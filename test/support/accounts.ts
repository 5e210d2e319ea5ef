import { IDBKeyRange, indexedDB } from "fake-indexeddb";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import {
  Client,
  signerFromLocalAccount,
  type Conversation,
  type Signer,
} from "../../lib/client";

/** A real local wallet (viem account) that counts the signatures it is asked for. */
export interface TestWallet {
  address: string;
  signer: Signer;
  signatures: () => number;
}

export function newWallet(): TestWallet {
  const account = privateKeyToAccount(generatePrivateKey());
  const inner = signerFromLocalAccount(account);
  let count = 0;
  const signer: Signer = {
    ...inner,
    signMessage: async (text: string) => {
      count++;
      return inner.signMessage(text);
    },
  };
  return { address: account.address.toLowerCase(), signer, signatures: () => count };
}

/** A client on the fake-indexeddb of this test process (same dbName = same "browser profile"). */
export function createClient(wallet: TestWallet, apiUrl: string, dbName: string): Promise<Client> {
  return Client.create(wallet.signer, { apiUrl, dbName, indexedDB, IDBKeyRange });
}

/** Collects `count` items from an async iterator, failing after `timeoutMs`. */
export async function take<T>(
  iter: AsyncIterator<T>,
  count: number,
  timeoutMs = 30_000,
): Promise<T[]> {
  const out: T[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count) {
    const remaining = deadline - Date.now();
    const next = await Promise.race([
      iter.next(),
      new Promise<"timeout">((r) => setTimeout(() => r("timeout"), Math.max(0, remaining))),
    ]);
    if (next === "timeout") throw new Error(`timed out with ${out.length} of ${count} items`);
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

/**
 * Two people in a DM that both hold: A starts it with "hello", B has synced it.
 * `ab` is A's side, `ba` is B's.
 */
export async function helloDm(url: string, prefix: string) {
  const bob = newWallet();
  const a = await createClient(newWallet(), url, `${prefix}-a`);
  const b = await createClient(bob, url, `${prefix}-b`);
  const ab: Conversation = await a.conversations.newDm(bob.address);
  await ab.send("hello");
  await b.conversations.sync();
  const ba: Conversation = (await b.conversations.getById(ab.id))!;
  return { a, b, ab, ba };
}
