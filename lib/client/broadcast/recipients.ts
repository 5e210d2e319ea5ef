// The recipients of a broadcast, as a person pastes them: one per line or comma separated,
// each an address (0x + 40 hex), an inbox ID (64 hex) or a name ("alice.eth"). Every entry is
// checked before anything is sent; a bad one is named with the reason, nothing is dropped
// silently. Duplicates (same address or inbox, any case) count once.
import { looksLikeName } from "../../names/looks-like-name";

export const MAX_BROADCAST_RECIPIENTS = 500;

export type RecipientKind = "address" | "inbox" | "name";

export interface Recipient {
  /** As typed (trimmed): what the report shows. */
  input: string;
  kind: RecipientKind;
  /** Lowercased address or inbox ID; the name as typed for names (resolved when sending). */
  value: string;
}

export interface RecipientProblem {
  input: string;
  reason: string;
}

export interface ParsedRecipients {
  recipients: Recipient[];
  problems: RecipientProblem[];
}

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
const INBOX_RE = /^[0-9a-fA-F]{64}$/;

function classify(input: string): Recipient | RecipientProblem {
  if (ADDRESS_RE.test(input)) return { input, kind: "address", value: input.toLowerCase() };
  if (INBOX_RE.test(input)) return { input, kind: "inbox", value: input.toLowerCase() };
  if (looksLikeName(input)) {
    if (/\s/.test(input)) return { input, reason: "a name cannot contain spaces" };
    return { input, kind: "name", value: input };
  }
  if (/^0x[0-9a-fA-F]*$/.test(input))
    return {
      input,
      reason: `an address is 0x followed by 40 hex digits (this has ${input.length - 2})`,
    };
  if (/^[0-9a-fA-F]+$/.test(input))
    return { input, reason: `an inbox ID is 64 hex digits (this has ${input.length})` };
  return { input, reason: "not an address (0x…), an inbox ID (64 hex) or a name (alice.eth)" };
}

export function parseRecipients(text: string): ParsedRecipients {
  const entries = String(text ?? "")
    .split(/[\n,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const recipients: Recipient[] = [];
  const problems: RecipientProblem[] = [];
  const seen = new Set<string>();
  for (const input of entries) {
    const r = classify(input);
    if ("reason" in r) problems.push(r);
    else if (!seen.has(`${r.kind}:${r.value.toLowerCase()}`)) {
      seen.add(`${r.kind}:${r.value.toLowerCase()}`);
      recipients.push(r);
    }
  }
  if (recipients.length > MAX_BROADCAST_RECIPIENTS)
    problems.push({
      input: `${recipients.length} recipients`,
      reason: `one broadcast goes to at most ${MAX_BROADCAST_RECIPIENTS}`,
    });
  return { recipients, problems };
}
