import { fromHex } from "../crypto/bytes";
import type { NodeClient } from "../api";
import {
  applyIdentityUpdate,
  holdsInstallation,
  type AssociationState,
  type VerifyOptions,
} from "../identity";

/** The inbox's state right after one log entry. */
interface Snapshot {
  sequenceId: bigint;
  state: AssociationState;
}

/**
 * Inbox states folded and verified HERE from the node's logs: the node is
 * never trusted to say who holds an inbox. Incremental: only new log entries
 * are fetched and applied. Every entry's resulting state is kept (states are
 * immutable, a log holds at most 256 entries), so "inbox X as of sequence S"
 * — what a group's membership extension records — is a lookup, not a refold.
 */
export class IdentityResolver {
  private readonly history = new Map<string, Snapshot[]>();
  private readonly inflight = new Map<string, Promise<AssociationState | undefined>>();

  /** `verify.scwVerifier`: smart-contract wallet signatures (absent = such logs are refused). */
  constructor(
    private readonly api: NodeClient,
    private readonly verify: Pick<VerifyOptions, "scwVerifier"> = {},
  ) {}

  private newest(inboxId: string): Snapshot | undefined {
    return this.history.get(inboxId)?.at(-1);
  }

  /** The verified state of an inbox, refreshed from the node; undefined if it has no log. */
  refresh(inboxId: string): Promise<AssociationState | undefined> {
    const running = this.inflight.get(inboxId);
    if (running) return running;
    const job = this.fetchAndFold(inboxId).finally(() => this.inflight.delete(inboxId));
    this.inflight.set(inboxId, job);
    return job;
  }

  async state(inboxId: string): Promise<AssociationState | undefined> {
    return this.newest(inboxId)?.state ?? this.refresh(inboxId);
  }

  /**
   * The inbox's state exactly as of log entry `sequenceId` (fetching newer entries when
   * it is not known yet); undefined when the log has no such entry.
   */
  async stateAt(inboxId: string, sequenceId: bigint): Promise<AssociationState | undefined> {
    const known = this.newest(inboxId);
    if (!known || known.sequenceId < sequenceId) await this.refresh(inboxId);
    return this.history.get(inboxId)?.find((s) => s.sequenceId === sequenceId)?.state;
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
    await this.refresh(inboxId);
    return this.latestKnown(inboxId);
  }

  /**
   * The MLS authentication service: a leaf is valid only if the inbox's log holds its key
   * — as of `sequenceId` when given (what the group recorded for the inbox: a later
   * revocation never invalidates an older commit), else now.
   */
  readonly authenticate = async (
    inboxId: string,
    installationKey: Uint8Array,
    sequenceId?: bigint,
  ): Promise<boolean> => {
    if (sequenceId !== undefined) {
      const at = await this.stateAt(inboxId, sequenceId);
      return at !== undefined && holdsInstallation(at, installationKey);
    }
    const cached = this.newest(inboxId)?.state;
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
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += 100) chunks.push(ids.slice(i, i + 100));
    // The queries go out together: a group of 1,000 costs one round trip, not ten.
    await Promise.all(
      chunks.map(async (chunk) => {
        const logs = await this.api.getIdentityUpdates(
          chunk.map((inboxId) => ({
            inboxId,
            sequenceId: this.newest(inboxId)?.sequenceId ?? 0n,
          })),
        );
        for (const inboxId of chunk) await this.fold(inboxId, logs.get(inboxId) ?? []);
      }),
    );
  }

  /** `latest` without the network: what the last refresh (e.g. refreshMany) folded. */
  latestKnown(
    inboxId: string,
  ): { state: AssociationState; sequenceId: bigint; installations: string[] } | undefined {
    const newest = this.newest(inboxId);
    if (!newest) return undefined;
    return {
      state: newest.state,
      sequenceId: newest.sequenceId,
      installations: [...newest.state.installations.keys()],
    };
  }

  /** The cached state (no network): undefined if never fetched. */
  cached(inboxId: string): AssociationState | undefined {
    return this.newest(inboxId)?.state;
  }

  private async fetchAndFold(inboxId: string): Promise<AssociationState | undefined> {
    const logs = await this.api.getIdentityUpdates([
      { inboxId, sequenceId: this.newest(inboxId)?.sequenceId ?? 0n },
    ]);
    return this.fold(inboxId, logs.get(inboxId) ?? []);
  }

  private async fold(
    inboxId: string,
    entries: { sequenceId: bigint; update?: Parameters<typeof applyIdentityUpdate>[1] }[],
  ): Promise<AssociationState | undefined> {
    const snapshots = this.history.get(inboxId) ?? [];
    for (const entry of entries) {
      const last = snapshots.at(-1);
      if (!entry.update || (last && entry.sequenceId <= last.sequenceId)) continue;
      const state = await applyIdentityUpdate(last?.state, entry.update, this.verify);
      // A concurrent fold of the same entries got there first: keep its snapshot.
      if (snapshots.at(-1) !== last) continue;
      snapshots.push({ sequenceId: entry.sequenceId, state });
    }
    if (snapshots.length > 0) this.history.set(inboxId, snapshots);
    return snapshots.at(-1)?.state;
  }
}
