// The database one installation keeps (Dexie 4 over IndexedDB; fake-indexeddb in Node tests).

import { Dexie, type EntityTable, type Table } from "dexie";
import { Sealer } from "./sealing";
import {
  SCHEMA_V1,
  SCHEMA_V2,
  type ConsentRow,
  type ConversationRow,
  type CursorRow,
  type GroupRow,
  type IdentityRow,
  type IntentRow,
  type KeyPackageRow,
  type MessageRow,
  type SecretRow,
} from "./schema";

export interface MessengerDbOptions {
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
}

export class MessengerDb extends Dexie {
  declare secrets: Table<SecretRow, string>;
  declare identity: Table<IdentityRow, string>;
  declare keyPackages: Table<KeyPackageRow, string>;
  declare groups: Table<GroupRow, string>;
  declare conversations: Table<ConversationRow, string>;
  declare messages: Table<MessageRow, string>;
  declare intents: EntityTable<IntentRow, "id">;
  declare cursors: Table<CursorRow, string>;
  declare consent: Table<ConsentRow, string>;
  readonly sealing: Sealer;

  constructor(name: string, opts: MessengerDbOptions = {}) {
    const dexieOpts: ConstructorParameters<typeof Dexie>[1] = {};
    if (opts.indexedDB) dexieOpts.indexedDB = opts.indexedDB;
    if (opts.IDBKeyRange) dexieOpts.IDBKeyRange = opts.IDBKeyRange;
    super(name, dexieOpts);
    this.version(1).stores(SCHEMA_V1);
    // A v1 database opens as v2 with its data intact: the upgrade only creates `consent`.
    this.version(2).stores(SCHEMA_V2);
    this.sealing = new Sealer(this.secrets);
  }
}

/** "Delete local data": every table, including the wrapping key, in one transaction. */
export async function clearAll(db: MessengerDb): Promise<void> {
  await db.transaction("rw", db.tables, async () => {
    await Promise.all(db.tables.map((t) => t.clear()));
  });
  db.sealing.reset();
}
