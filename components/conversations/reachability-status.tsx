import type { ReactNode } from "react";
import { shortAddress } from "@/components/format/address";
import { Avatar } from "@/components/ui/avatar";
import { AlertIcon, CheckIcon } from "@/components/ui/icons";
import { Spinner } from "@/components/ui/spinner";
import type { Reachability } from "./use-can-message";

/** The line under the address field: what we know about the address so far. */
export function ReachabilityStatus({
  r,
  id,
  namesEnabled,
}: {
  r: Reachability;
  id: string;
  namesEnabled?: boolean;
}) {
  // "alice.eth (0x1234…abcd)": the name typed, and the address it resolved to, after the
  // name's avatar (the person typed the name: loading its picture is theirs to ask).
  const found = r.kind === "reachable" || r.kind === "unreachable" ? r : undefined;
  const who = found?.name
    ? `${found.name} (${shortAddress(found.address)})`
    : shortAddress(found?.address);
  const avatar = found?.name ? (
    <Avatar seed={found.address} size="xs" imageUrl={found.avatarUrl} />
  ) : null;
  let content: ReactNode;
  let tone = "text-zinc-500 dark:text-zinc-400";
  switch (r.kind) {
    case "empty":
      content = namesEnabled
        ? "Paste or type a wallet address (0x…) or an ENS name (name.eth)."
        : "Paste or type a wallet address (0x…).";
      break;
    case "invalid":
      content = r.reason;
      break;
    case "self":
      content = "That's your own address.";
      tone = "text-amber-700 dark:text-amber-400";
      break;
    case "checking":
      content = (
        <>
          <Spinner className="h-3.5 w-3.5" /> Checking…
        </>
      );
      break;
    case "reachable":
      content = (
        <>
          <CheckIcon />
          {avatar}
          <span>{who} can be messaged</span>
        </>
      );
      tone = "text-emerald-700 dark:text-emerald-400";
      break;
    case "unreachable":
      content = (
        <>
          <AlertIcon />
          {avatar}
          <span>{who} is not on the network yet — they need to activate messaging first.</span>
        </>
      );
      tone = "text-amber-700 dark:text-amber-400";
      break;
    case "inconsistent":
    case "error":
      content = (
        <>
          <AlertIcon /> {r.reason}
        </>
      );
      tone = "text-red-700 dark:text-red-400";
      break;
  }
  return (
    <p
      id={id}
      data-testid="can-message-status"
      data-state={r.kind}
      aria-live="polite"
      className={`mt-2 flex min-h-5 gap-1.5 text-sm [overflow-wrap:anywhere] [&>svg]:shrink-0 ${
        // With an avatar (24 px) the icon, picture and words centre on one another.
        avatar ? "items-center" : "items-start [&>span]:mt-0.5 [&>svg]:mt-0.5"
      } ${tone}`}
    >
      {content}
    </p>
  );
}
