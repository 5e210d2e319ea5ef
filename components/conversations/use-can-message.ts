"use client";
import { useEffect, useState } from "react";
import type { Client } from "@/lib/client";
import { addressProblem, isAddress, looksLikeName } from "@/components/format/address";
import { isClientError, NODE_INCONSISTENT_TEXT } from "@/components/client/errors";

export type Reachability =
  | { kind: "empty" }
  | { kind: "invalid"; reason: string }
  | { kind: "self" }
  | { kind: "checking" }
  /**
   * `address`: where a DM goes (a typed name resolved); `name`: the name typed, if any, and
   * `avatarUrl` that name's avatar.
   */
  | { kind: "reachable"; address: string; name?: string; avatarUrl?: string }
  | { kind: "unreachable"; address: string; name?: string; avatarUrl?: string }
  | { kind: "inconsistent"; reason: string }
  | { kind: "error"; reason: string };

const NAMES_OFF = "Names can't be looked up here: paste the 0x address instead.";

/**
 * Validates as you type, resolves an ENS name (when names are configured), then asks the
 * node (debounced) whether the address can be messaged.
 */
export function useCanMessage(client: Client, input: string): Reachability {
  const value = input.trim();
  const isName = looksLikeName(value);
  const [checked, setChecked] = useState<{ value: string; result: Reachability }>();

  useEffect(() => {
    if (
      isName ? !client.names.enabled : !isAddress(value) || value.toLowerCase() === client.address
    )
      return;
    let live = true;
    const settle = (result: Reachability) => live && setChecked({ value, result });
    const t = setTimeout(() => {
      void (async () => {
        let address = value.toLowerCase();
        const name = isName ? value : undefined;
        let avatarUrl: string | undefined;
        if (isName) {
          try {
            ({ address, avatarUrl } = await client.names.resolveName(value));
          } catch (err) {
            return settle(
              isClientError(err, "name_not_found") || isClientError(err, "invalid_address")
                ? { kind: "invalid", reason: `${(err as Error).message}.` }
                : {
                    kind: "error",
                    reason: `Couldn't look up ${value}. Try again, or paste the address.`,
                  },
            );
          }
          if (address === client.address) return settle({ kind: "self" });
        }
        try {
          const map = await client.canMessage([address]);
          settle({
            kind: map.get(address) ? "reachable" : "unreachable",
            address,
            ...(name ? { name } : {}),
            ...(avatarUrl ? { avatarUrl } : {}),
          });
        } catch (err) {
          // The node's answer contradicts the address's signed log: say so, never "reachable".
          settle(
            isClientError(err, "node_inconsistent")
              ? { kind: "inconsistent", reason: NODE_INCONSISTENT_TEXT }
              : { kind: "error", reason: "Couldn't reach the network to check this address." },
          );
        }
      })();
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [client, value, isName]);

  if (value === "") return { kind: "empty" };
  if (isName && !client.names.enabled) return { kind: "invalid", reason: NAMES_OFF };
  if (!isName) {
    const problem = addressProblem(value);
    if (problem) return { kind: "invalid", reason: problem };
    if (value.toLowerCase() === client.address) return { kind: "self" };
  }
  return checked?.value === value ? checked.result : { kind: "checking" };
}
