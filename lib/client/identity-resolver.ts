import { fromHex } from "../crypto/bytes";
import type { NodeClient } from "../api";
import { applyIdentityUpdate, holdsInstallation, type AssociationState } from "../identity";

interface Cached {
  state: AssociationState;
  sequenceId: bigint;
}

/**
 * Inbox states folded and verified HERE from the node's logs: the node is
 * never trusted to say who holds an inbox. Incremental: only new log entries
 * are fetched and applied.
 */
export class IdentityResolver {
  private readonly cache = new Map<string, Cached>();
  private readonly inflight = new Map<string, Promise<AssociationState | undefined>>();

  constructor(private readonly api: NodeClient) {}

  /** The verified state of an inbox, refreshed from the node; undefined if it has no log. */
  refresh(inboxId: string): Promise<AssociationState | undefined> {
    const running = this.inflight.get(inboxId);
    if (running) return running;
    const job = this.fetchAndFold(inboxId).finally(() => this.inflight.delete(inboxId));
    this.inflight.set(inboxId, job);
    return job;
  }

  async state(inboxId: string): Promise<AssociationState | undefined> {
    return this.cache.get(inboxId)?.state ?? this.refresh(inboxId);
  }

  /** Hex installation keys the inbox holds now. */
  async installations(inboxId: string): Promise<Uint8Array[]> {
    const state = await this.refresh(inboxId);
    return state ? [...state.installations.keys()].map((k) => fromHex(k)) : [];
  }

  /** The inbox's newest verified state with its last sequence id and installation keys (hex). */
  async latest(
    inboxId: string,
  ): Promise<{ state: AssociationState; sequenceId: bigint; installations: string[] } | undefined> {
    const state = await this.refresh(inboxId);
    const cached = this.cache.get(inboxId);
    if (!state || !cached) return undefined;
    return { state, sequenceId: cached.sequenceId, installations: [...state.installations.keys()] };
  }

  /** The MLS authentication service: a leaf is valid only if the inbox's log holds its key. */
  readonly authenticate = async (
    inboxId: string,
    installationKey: Uint8Array,
  ): Promise<boolean> => {
    const cached = this.cache.get(inboxId)?.state;
    if (cached && holdsInstallation(cached, installationKey)) return true;
    const fresh = await this.refresh(inboxId);
    return fresh !== undefined && holdsInstallation(fresh, installationKey);
  };

  /**
   * Refreshes many inboxes with one query per 100 (only entries newer than the cache come
   * back), so checking every member of a group before a send costs one round trip.
   */
  async refreshMany(inboxIds: string[]): Promise<void> {
    const ids = [...new Set(inboxIds)];
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100);
      const logs = await this.api.getIdentityUpdates(
        chunk.map((inboxId) => ({
          inboxId,
          sequenceId: this.cache.get(inboxId)?.sequenceId ?? 0n,
        })),
      );
      for (const inboxId of chunk) await this.fold(inboxId, logs.get(inboxId) ?? []);
    }
  }

  /** The cached state (no network): undefined if never fetched. */
  cached(inboxId: string): AssociationState | undefined {
    return this.cache.get(inboxId)?.state;
  }

  private async fetchAndFold(inboxId: string): Promise<AssociationState | undefined> {
    const cached = this.cache.get(inboxId);
    const logs = await this.api.getIdentityUpdates([
      { inboxId, sequenceId: cached?.sequenceId ?? 0n },
    ]);
    return this.fold(inboxId, logs.get(inboxId) ?? []);
  }

  private async fold(
    inboxId: string,
    entries: { sequenceId: bigint; update?: Parameters<typeof applyIdentityUpdate>[1] }[],
  ): Promise<AssociationState | undefined> {
    const cached = this.cache.get(inboxId);
    let state = cached?.state;
    let sequenceId = cached?.sequenceId ?? 0n;
    for (const entry of entries) {
      if (!entry.update || entry.sequenceId <= sequenceId) continue;
      state = await applyIdentityUpdate(state, entry.update);
      sequenceId = entry.sequenceId;
    }
    if (state) this.cache.set(inboxId, { state, sequenceId });
    return state;
  }
}
