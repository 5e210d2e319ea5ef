"use client";
import { buttonStyles } from "@/components/ui/button-styles";

/** An open backup panel's last row: Cancel, and the submit button that reads "…ing" while it runs. */
export function PanelActions(props: {
  working: boolean;
  ready: boolean;
  onCancel: () => void;
  label: string;
  workingLabel: string;
  submitTestId: string;
}) {
  return (
    <div className="flex flex-wrap justify-end gap-2">
      <button
        type="button"
        className={buttonStyles.ghost}
        disabled={props.working}
        onClick={props.onCancel}
      >
        Cancel
      </button>
      <button
        type="submit"
        data-testid={props.submitTestId}
        className={buttonStyles.primary}
        disabled={!props.ready || props.working}
      >
        {props.working ? props.workingLabel : props.label}
      </button>
    </div>
  );
}
