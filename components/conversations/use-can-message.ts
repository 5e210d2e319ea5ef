"use client";
import { useEffect, useState } from "react";
import type { Client } from "@/lib/client";
import { addressProblem, isAddress } from "@/components/format/address";
import { isClientError, NODE_INCONSISTENT_TEXT } from "@/components/client/errors";

export type Reachability =
  | { kind: "empty" }
  | { kind: "invalid"; reason: string }
  | { kind: "self" }
  | { kind: "checking" }
  | { kind: "reachable" }
  | { kind: "unreachable" }
  | { kind: "inconsistent"; reason: string }
  | { kind: "error"; reason: string };

/** Validates as you type, then asks the node (debounced) whether the address can be messaged. */
export function useCanMessage(client: Client, input: string): Reachability {
  const value = input.trim();
  const [checked, setChecked] = useState<{ value: string; result: Reachability }>();

  useEffect(() => {
    if (!isAddress(value) || value.toLowerCase() === client.address) return;
    let live = true;
    const t = setTimeout(() => {
      client.canMessage([value]).then(
        (map) =>
          live &&
          setChecked({
            value,
            result: { kind: map.get(value.toLowerCase()) ? "reachable" : "unreachable" },
          }),
        (err: unknown) =>
          live &&
          setChecked({
            value,
            // The node's answer contradicts the address's signed log: say so, never "reachable".
            result: isClientError(err, "node_inconsistent")
              ? { kind: "inconsistent", reason: NODE_INCONSISTENT_TEXT }
              : { kind: "error", reason: "Couldn't reach the network to check this address." },
          }),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [client, value]);

  if (value === "") return { kind: "empty" };
  const problem = addressProblem(value);
  if (problem) return { kind: "invalid", reason: problem };
  if (value.toLowerCase() === client.address) return { kind: "self" };
  return checked?.value === value ? checked.result : { kind: "checking" };
}
