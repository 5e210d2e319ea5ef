// A group change as data. The commit intent stores it, so a change whose commit was lost
// (another commit won its epoch, or the tab died before it was published) can be
// planned again on the new epoch after a restart: a closure would not survive a reload.
import type { PermissionAction, Policy } from "../../mls";
import type { IntentKind } from "../../storage";
import type { ClientContext } from "../context";
import { ClientError } from "../errors";
import type { PlannedChange } from "./planned-change";
import type { GroupHandle } from "../../mls";
import { planAddNewInstallations, planRemoveRevoked } from "./installations-plans";
import { planAdd, planContext, planRemove, planTidy } from "./plans";
import { planReadd } from "../forks/readd";
import { planCommitLogSigner } from "../forks/log-signer-plan";
import { planDisappearing } from "../disappearing/timer";

export type GroupChange =
  | { op: "add"; inboxes: string[]; ownInstallations?: boolean }
  | { op: "remove"; inboxes: string[] }
  | { op: "tidy" }
  | { op: "set_attribute"; field: string; value: string }
  | { op: "add_admin" | "remove_admin" | "add_super_admin" | "remove_super_admin"; inboxId: string }
  | { op: "set_permission"; action: PermissionAction; policy: Policy }
  /** Disappearing messages: libxmtp's two attributes, decimal ns ("0" and "0": off). */
  | { op: "set_disappearing"; fromNs: string; inNs: string }
  | { op: "remove_revoked_installations" }
  | { op: "add_new_installations" }
  /** Fork recovery: remove and re-add one installation (forks/readd.ts). */
  | { op: "readd"; installation: string; leafKey: string }
  /** A group made before commit logs gets its signer (forks/log-signer-upgrade.ts). */
  | { op: "add_commit_log_signer"; value: string };

export type Planner = (group: GroupHandle) => Promise<PlannedChange | undefined>;

export function intentKindOf(change: GroupChange): IntentKind {
  switch (change.op) {
    case "add":
      return "add_members";
    case "remove":
      return "remove_members";
    case "set_permission":
      return "update_permissions";
    case "remove_revoked_installations":
    case "add_new_installations":
    case "readd":
      return "update_installations";
    default:
      return "update_metadata";
  }
}

/** The planner for a change, run on the group's newest epoch (again on each retry). */
export function plannerOf(ctx: ClientContext, change: GroupChange): Planner {
  switch (change.op) {
    case "add":
      return planAdd(ctx, change.inboxes, change.ownInstallations ?? false);
    case "remove":
      return planRemove(ctx, change.inboxes);
    case "tidy":
      return planTidy();
    case "set_attribute":
      return planContext((c) => {
        c.metadata.attributes[change.field] = change.value;
      });
    case "add_admin":
    case "remove_admin":
    case "add_super_admin":
    case "remove_super_admin": {
      const { inboxId } = change;
      return planContext((c) => {
        if (!c.membership.has(inboxId))
          throw new ClientError("not_a_member", `inbox ${inboxId} is not in this group`);
        const list = change.op.endsWith("super_admin") ? "superAdmins" : "admins";
        if (!change.op.startsWith("add"))
          c.metadata[list] = c.metadata[list].filter((x) => x !== inboxId);
        else if (!c.metadata[list].includes(inboxId)) c.metadata[list].push(inboxId);
      });
    }
    case "set_permission":
      return planContext((c) => {
        c.permissions[change.action] = change.policy;
      });
    case "set_disappearing":
      return planDisappearing(change.fromNs, change.inNs);
    case "remove_revoked_installations":
      return planRemoveRevoked(ctx);
    case "add_new_installations":
      return planAddNewInstallations(ctx);
    case "readd":
      return planReadd(ctx, change.installation, change.leafKey);
    case "add_commit_log_signer":
      return planCommitLogSigner(change.value);
  }
}

/** A stored change read back (from this database, but checked: a bad row must not throw later). */
export function isGroupChange(x: unknown): x is GroupChange {
  if (typeof x !== "object" || x === null) return false;
  const op = (x as { op?: unknown }).op;
  return (
    typeof op === "string" &&
    [
      "add",
      "remove",
      "tidy",
      "set_attribute",
      "add_admin",
      "remove_admin",
      "add_super_admin",
      "remove_super_admin",
      "set_permission",
      "set_disappearing",
      "remove_revoked_installations",
      "add_new_installations",
      "readd",
      "add_commit_log_signer",
    ].includes(op)
  );
}
