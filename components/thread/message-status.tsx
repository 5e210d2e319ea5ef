import type { MessageStatus as Status } from "@/lib/client";
import { AlertIcon, CheckIcon, ClockIcon } from "@/components/ui/icons";

const LABEL: Record<Status, string> = { pending: "Sending", published: "Sent", failed: "Not sent" };

/** My message's delivery state as an icon with a spoken name. */
export function MessageStatusIcon({ status }: { status: Status }) {
  return (
    <span role="img" aria-label={LABEL[status]} title={LABEL[status]} className="inline-flex">
      {status === "pending" ? (
        <ClockIcon />
      ) : status === "published" ? (
        <CheckIcon />
      ) : (
        <AlertIcon />
      )}
    </span>
  );
}
