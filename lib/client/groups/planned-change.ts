import type { GroupContextState, ParsedKeyPackage } from "../../mls";

/** What one change asks for, computed from the group's current state (again on each retry). */
export interface PlannedChange {
  add?: { bytes: Uint8Array; parsed: ParsedKeyPackage }[];
  remove?: Uint8Array[];
  /** New extensions; a removal carries none (see plans.ts). */
  context?: GroupContextState;
}
