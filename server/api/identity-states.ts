// Current association state per inbox, folded from the stored log. The log is
// append-only, so a cached state at sequence S stays valid: only rows after S
// are applied. A cache entry whose S is not in the log (rolled back) is ignored.
import { fromBinary } from "@bufbuild/protobuf";
import { applyIdentityUpdate, type AssociationState, type ScwVerifyArgs } from "../../lib/identity";
import { IdentityUpdateSchema } from "../../lib/proto/identity/associations/association_pb";
import type { IdentityUpdateRow } from "../store";

const MAX_CACHED = 10_000;

export class IdentityStates {
  private readonly cache = new Map<string, { seq: bigint; state: AssociationState }>();

  /** `scwVerifier`: checks smart-contract wallet signatures (absent = they are refused). */
  constructor(readonly scwVerifier?: (args: ScwVerifyArgs) => Promise<boolean>) {}

  /** The state after all of `rows` (the whole log, in order); undefined for an empty log. */
  async fold(inboxId: string, rows: IdentityUpdateRow[]): Promise<AssociationState | undefined> {
    const last = rows[rows.length - 1];
    if (!last) return undefined;
    const hit = this.cache.get(inboxId);
    let state: AssociationState | undefined;
    let start = 0;
    if (hit) {
      const at = rows.findIndex((r) => r.sequenceId === hit.seq);
      if (at >= 0) {
        state = hit.state;
        start = at + 1;
      }
    }
    for (const row of rows.slice(start)) {
      state = await applyIdentityUpdate(state, fromBinary(IdentityUpdateSchema, row.bytes), {
        ...(this.scwVerifier ? { scwVerifier: this.scwVerifier } : {}),
      });
    }
    this.remember(inboxId, last.sequenceId, state!);
    return state;
  }

  remember(inboxId: string, seq: bigint, state: AssociationState): void {
    this.cache.delete(inboxId); // re-insert: Map order doubles as LRU order
    this.cache.set(inboxId, { seq, state });
    if (this.cache.size > MAX_CACHED) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}
