"use client";
import { useId, useState } from "react";
import { isAddress, shortAddress } from "@/components/format/address";
import { ReachabilityStatus } from "@/components/conversations/reachability-status";
import { useCanMessage } from "@/components/conversations/use-can-message";
import { useClient } from "@/components/client/client-context";
import { isClientError, NODE_INCONSISTENT_TEXT } from "@/components/client/errors";
import { Avatar } from "@/components/ui/avatar";
import { buttonStyles, focusRing } from "@/components/ui/button-styles";
import { CloseIcon } from "@/components/ui/icons";
import { Spinner } from "@/components/ui/spinner";

type Props = {
  /** Lowercased addresses picked so far. */
  picked: string[];
  onChange: (addresses: string[]) => void;
  /** Addresses already in the group (lowercased): refused with a reason. */
  members?: string[];
  label?: string;
};

/**
 * Address field + chips. Enter (or Add) takes the address once the node confirms it can
 * be messaged; the line below says why one was refused.
 */
export function MemberPicker({ picked, onChange, members = [], label = "Members" }: Props) {
  const { client } = useClient();
  const [value, setValue] = useState("");
  const [adding, setAdding] = useState(false);
  const [refused, setRefused] = useState<string>();
  const reach = useCanMessage(client, value);
  const inputId = useId();
  const statusId = useId();
  // A typed ENS name counts once it resolved (the hook did that); else what was typed.
  const address =
    reach.kind === "reachable" || reach.kind === "unreachable"
      ? reach.address
      : value.trim().toLowerCase();
  const duplicate = picked.includes(address)
    ? "Already added."
    : members.includes(address)
      ? "Already in this group."
      : undefined;
  const note = duplicate ?? refused;

  // Asks the node itself rather than waiting for the as-you-type check, so a quick
  // paste + Enter adds the address as soon as the answer is in.
  async function add() {
    if (adding || duplicate || !isAddress(address) || reach.kind === "self") return;
    setAdding(true);
    try {
      const ok = (await client.canMessage([address])).get(address);
      if (ok) {
        onChange([...picked, address]);
        setValue("");
      } else setRefused(`${shortAddress(address)} hasn't activated messaging yet.`);
    } catch (err) {
      setRefused(
        isClientError(err, "node_inconsistent")
          ? NODE_INCONSISTENT_TEXT
          : "Couldn't reach the network to check this address.",
      );
    } finally {
      setAdding(false);
    }
  }

  return (
    <div>
      <label htmlFor={inputId} className="text-sm font-medium">
        {label}
      </label>
      {picked.length > 0 && (
        <ul aria-label="Picked members" className="mt-1.5 flex flex-wrap gap-1.5">
          {picked.map((a) => (
            <li
              key={a}
              data-testid="group-member-chip"
              className="inline-flex items-center gap-1.5 rounded-full bg-zinc-100 py-1 pr-1 pl-1 text-sm dark:bg-zinc-800"
            >
              <Avatar seed={a} size="xs" />
              <span className="font-mono" title={a}>
                {shortAddress(a)}
              </span>
              <button
                type="button"
                aria-label={`Remove ${shortAddress(a)}`}
                className={`rounded-full p-1 text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 dark:hover:bg-zinc-700 dark:hover:text-zinc-100 ${focusRing}`}
                onClick={() => onChange(picked.filter((x) => x !== a))}
              >
                <CloseIcon className="h-3.5 w-3.5" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="mt-1.5 flex gap-2">
        <input
          id={inputId}
          data-testid="group-member-input"
          autoFocus
          autoComplete="off"
          autoCapitalize="off"
          autoCorrect="off"
          spellCheck={false}
          placeholder="0x… then Enter"
          aria-describedby={statusId}
          aria-invalid={reach.kind === "invalid" || duplicate ? true : undefined}
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setRefused(undefined);
          }}
          onKeyDown={(e) => {
            if (e.key !== "Enter") return;
            // Enter adds the address; it never submits the surrounding form half-filled.
            e.preventDefault();
            void add();
          }}
          className={`min-w-0 flex-1 rounded-xl border border-zinc-300 bg-white px-3.5 py-2.5 font-mono text-base sm:text-sm dark:border-zinc-700 dark:bg-zinc-950 ${focusRing}`}
        />
        <button
          type="button"
          data-testid="add-member-address"
          className={buttonStyles.secondary}
          disabled={!isAddress(address) || !!duplicate || adding}
          onClick={() => void add()}
        >
          {adding && <Spinner className="h-3.5 w-3.5" />}
          Add
        </button>
      </div>
      {note ? (
        <p
          id={statusId}
          role="status"
          data-testid="member-picker-note"
          className="mt-2 text-sm text-amber-700 dark:text-amber-400"
        >
          {note}
        </p>
      ) : (
        <ReachabilityStatus r={reach} id={statusId} namesEnabled={client.names.enabled} />
      )}
    </div>
  );
}
