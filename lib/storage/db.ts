// The database one installation keeps (Dexie 4 over IndexedDB; fake-indexeddb in Node tests).

import { Dexie, type EntityTable, type Table } from "dexie";
import { Sealer } from "./sealing";
import {
  SCHEMA_V1,
  SCHEMA_V2,
  SCHEMA_V3,
  SCHEMA_V4,
  SCHEMA_V5,
  type CommitLogChainRow,
  type CommitLogRow,
  SCHEMA_V6,
  SCHEMA_V7,
  SCHEMA_V8,
  SCHEMA_V9,
  type BroadcastRow,
  type NameCacheRow,
  type ConsentRow,
  type LineageRow,
  type CursorRow,
  type GroupEpochRow,
  type GroupRow,
  type IdentityRow,
  type KeyPackageRow,
  type SecretRow,
  type StoredConversationRow,
  type StoredIntentRow,
  type StoredMessageRow,
} from "./schema";
import { sealClearRowsV3 } from "./migrate-v3";

export interface MessengerDbOptions {
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
}

/** The newest schema version: a database opened by this code ends at it. */
export const SCHEMA_VERSION = 9;

export class MessengerDb extends Dexie {
  declare secrets: Table<SecretRow, string>;
  declare identity: Table<IdentityRow, string>;
  declare keyPackages: Table<KeyPackageRow, string>;
  declare groups: Table<GroupRow, string>;
  /** Read and write through groups.ts (putGroupStateParts / getGroupState). */
  declare groupEpochs: Table<GroupEpochRow, string>;
  /** Sealed rows: read and write them through conversations.ts / messages.ts / intents.ts. */
  declare conversations: Table<StoredConversationRow, string>;
  declare messages: Table<StoredMessageRow, string>;
  declare intents: EntityTable<StoredIntentRow, "id">;
  declare cursors: Table<CursorRow, string>;
  declare consent: Table<ConsentRow, string>;
  declare commitLog: Table<CommitLogRow, string>;
  declare commitLogChains: Table<CommitLogChainRow, string>;
  declare welcomeLineages: Table<LineageRow, [string, string]>;
  /** Read and write through names.ts (sealed answers, hashed keys). */
  declare names: Table<NameCacheRow, string>;
  /** Read and write through broadcasts.ts (sealed jobs). */
  declare broadcasts: Table<BroadcastRow, string>;
  readonly sealing: Sealer;

  constructor(name: string, opts: MessengerDbOptions = {}) {
    const dexieOpts: ConstructorParameters<typeof Dexie>[1] = {};
    if (opts.indexedDB) dexieOpts.indexedDB = opts.indexedDB;
    if (opts.IDBKeyRange) dexieOpts.IDBKeyRange = opts.IDBKeyRange;
    super(name, dexieOpts);
    this.version(1).stores(SCHEMA_V1);
    // A v1 database opens as v2 with its data intact: the upgrade only creates `consent`.
    this.version(2).stores(SCHEMA_V2);
    // v3 seals message, conversation and intent rows (migrate-v3.ts); indexes are unchanged.
    this.version(3).stores(SCHEMA_V3).upgrade(sealClearRowsV3);
    // v4 stores a group's tree and past epochs apart from its per-message state (no data moves).
    this.version(4).stores(SCHEMA_V4);
    // v5 adds the commit log tables (issue 12); nothing existing changes.
    this.version(5).stores(SCHEMA_V5);
    // v6 adds the welcome lineages of a group id.
    this.version(6).stores(SCHEMA_V6);
    // v7 adds the ENS name cache; nothing existing changes.
    this.version(7).stores(SCHEMA_V7);
    // v8 indexes messages by expiry (disappearing messages); no row changes.
    this.version(8).stores(SCHEMA_V8);
    // v9 adds the broadcast jobs (sealed), so a reload resumes them; nothing existing changes.
    this.version(SCHEMA_VERSION).stores(SCHEMA_V9);
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
