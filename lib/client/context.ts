import type { NodeClient } from "../api";
import type { CodecRegistry } from "../content";
import type { InstallationSigner } from "../mls";
import type { MessengerDb } from "../storage";
import type { MessageBus } from "./message-bus";
import type { ConsentBus } from "./consent";
import type { IdentityResolver } from "./identity-resolver";

/** What every part of one client shares. */
export interface ClientContext {
  db: MessengerDb;
  api: NodeClient;
  installation: InstallationSigner;
  address: string;
  resolver: IdentityResolver;
  codecs: CodecRegistry;
  bus: MessageBus;
  /** Consent records as this client stores them (Preferences.onConsentChange). */
  consent: ConsentBus;
  /** Lock names are scoped to this database so two clients in one process never share them. */
  lockPrefix: string;
  /** The node's base URL ("" = the page's origin), for the attachment store. */
  apiUrl: string;
  fetch?: typeof fetch;
  /** Most inboxes a group may hold (default MAX_GROUP_SIZE, 250). */
  maxGroupSize?: number;
}
