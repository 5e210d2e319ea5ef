"use client";
import { useId } from "react";
import type { GroupDetails, PermissionAction, Policy } from "@/lib/client";
import { focusRing } from "@/components/ui/button-styles";
import { Spinner } from "@/components/ui/spinner";
import { ACTION_TITLE, POLICY_LABEL, whyNot } from "./permission-copy";
import type { GroupAction } from "./use-group-action";

const ACTIONS = Object.keys(ACTION_TITLE) as PermissionAction[];
const POLICIES = Object.keys(POLICY_LABEL) as Policy[];

/** Who may do what. Super admins change it (one commit per change); others read it. */
export function GroupPermissions({
  details,
  action,
}: {
  details: GroupDetails;
  action: GroupAction;
}) {
  const locked = whyNot(details.can.update_permissions, "update_permissions");
  const hintId = useId();
  return (
    <div>
      <p id={hintId} className="text-sm text-zinc-600 dark:text-zinc-400">
        {locked ?? "Every member's device checks each change against these rules."}
      </p>
      <dl className="mt-3 divide-y divide-zinc-100 dark:divide-zinc-800">
        {ACTIONS.map((a) => (
          <div key={a} className="flex items-center justify-between gap-3 py-2.5">
            <dt className="text-sm">{ACTION_TITLE[a]}</dt>
            <dd className="flex items-center gap-2">
              {action.busy === a && <Spinner className="h-3.5 w-3.5" />}
              <select
                data-testid={`permission-${a}`}
                aria-label={ACTION_TITLE[a]}
                aria-describedby={locked ? hintId : undefined}
                value={details.permissions[a]}
                disabled={locked !== undefined || action.busy !== undefined}
                onChange={(e) =>
                  void action.run(a, (g) => g.updatePermission(a, e.target.value as Policy))
                }
                className={`rounded-lg border border-zinc-300 bg-white px-2.5 py-1.5 text-sm disabled:cursor-not-allowed disabled:opacity-70 dark:border-zinc-700 dark:bg-zinc-950 ${focusRing}`}
              >
                {POLICIES.map((p) => (
                  <option key={p} value={p}>
                    {POLICY_LABEL[p]}
                  </option>
                ))}
              </select>
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
