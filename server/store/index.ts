// The store's public surface: openStore picks the driver from the config.
import { EventBus } from "../stream/bus";
import type { Driver } from "./driver";
import { openPglite } from "./pglite-driver";
import { openPostgres } from "./pg-driver";
import { Store } from "./store";

export { Store, groupTopic, welcomeTopic } from "./store";
export type {
  Page,
  Direction,
  GroupMessageInsert,
  WelcomeMessageInsert,
  InboxTx,
  IdentityAppend,
} from "./store";
export type { CommitLogInsert, CommitLogRow } from "./commit-log";
export type { GroupMessageRow, WelcomeMessageRow, IdentityUpdateRow } from "./rows";
export { DataDirLockedError } from "./pglite-driver";
export { WriteRefusedError } from "./envelopes";
export { EventBus } from "../stream/bus";

export interface StoreOptions {
  dataDir: string;
  databaseUrl?: string;
  databaseSchema?: string;
  bus?: EventBus;
}

export async function openStore(opts: StoreOptions): Promise<{ store: Store; bus: EventBus }> {
  const bus = opts.bus ?? new EventBus();
  const schema = opts.databaseSchema ?? "public";
  const driver: Driver = opts.databaseUrl
    ? await openPostgres(opts.databaseUrl, schema)
    : await openPglite(opts.dataDir);
  try {
    return { store: await Store.open(driver, bus, schema), bus };
  } catch (err) {
    await driver.close().catch(() => undefined);
    throw err;
  }
}
