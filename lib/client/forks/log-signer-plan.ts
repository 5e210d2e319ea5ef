// The commit that gives a group made before commit logs its signer (log-signer-upgrade.ts
// decides when). Kept apart from the upgrade routine: groups/change.ts needs the planner,
// and the routine runs group changes (groups/commit.ts imports change.ts).
import { COMMIT_LOG_SIGNER_ATTRIBUTE, commitLogSignerOf, type GroupHandle } from "../../mls";
import type { PlannedChange } from "../groups/planned-change";
import { planContext } from "../groups/plans";

/** The change's planner: sets `value` unless the group holds a signer already. */
export function planCommitLogSigner(value: string) {
  const set = planContext((c) => {
    c.metadata.attributes[COMMIT_LOG_SIGNER_ATTRIBUTE] = value;
  });
  return async (group: GroupHandle): Promise<PlannedChange | undefined> =>
    commitLogSignerOf(group) ? undefined : set(group);
}
