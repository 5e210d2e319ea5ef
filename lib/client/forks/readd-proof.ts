// What makes a re-add legitimate: a ReaddRequest on the group's commit log, signed by the
// installation to be re-added, naming its group and inbox, made within
// READD_REQUEST_MAX_AGE_MS of the moment it is judged. The leaf key it names is NOT required
// to be the one the up-to-date tree holds: a forked member's own commits in its branch move
// its leaf (every commit carries an update path), so that rule left such a member unhealed
// for good (torture seed 14035). A replayed request is bounded by the age window, and a
// responder takes a request it saw answered (or an older one) as spent (readd.ts). The
// responder checks it before committing (readd.ts) and, in a DM, every receiver checks it
// again before applying the commit (groups/dm-rules.ts): the same rule both sides, so a
// peer cannot reset your device without your device having asked.
import { fromHex, toHex } from "../../crypto";
import type { ReaddRequest } from "../../proto/messenger/forks/v1/readd_request_pb";
import type { ClientContext } from "../context";
import { verifiedReaddRequest } from "./entries";

/** Requests older than this are ignored (a replay by the node is bounded by it). */
export const READD_REQUEST_MAX_AGE_MS = 10 * 60_000;

export interface ReaddSubject {
  groupId: string; // hex
  installation: string; // hex signature key
  inboxId: string;
  /** The HPKE key of the leaf being replaced. */
  leafKey: string; // hex
  /** When it is judged (ms): now for the responder, the commit's node time for a receiver. */
  atMs: number;
}

/** Why the (signature-checked) request does not vouch for re-adding `subject`; undefined = it does. */
export function readdRequestProblem(req: ReaddRequest, subject: ReaddSubject): string | undefined {
  if (toHex(req.groupId) !== subject.groupId) return "it names another group";
  if (toHex(req.installationKey) !== subject.installation) return "it names another installation";
  if (req.inboxId !== subject.inboxId) return "it names another inbox";
  // Asked about the leaf the tree holds: not a request from before an earlier re-add.
  const age = subject.atMs - Number(req.requestedAtNs / 1_000_000n);
  if (age > READD_REQUEST_MAX_AGE_MS || age < -READD_REQUEST_MAX_AGE_MS)
    return "it is older than the re-add window";
  return undefined;
}

/**
 * Whether the group's commit log holds a request that vouches for `subject`. A node that
 * cannot answer now throws its retryable error (the envelope is tried again later); one
 * that answers with an error counts as no request.
 */
export async function readdRequestOnLog(
  ctx: ClientContext,
  subject: ReaddSubject,
): Promise<boolean> {
  let records;
  try {
    records = await ctx.api.readCommitLog(fromHex(subject.groupId));
  } catch (err) {
    if ((err as { retryable?: unknown }).retryable === true) throw err;
    return false;
  }
  for (const r of records) {
    const req = verifiedReaddRequest(r);
    if (req && readdRequestProblem(req, subject) === undefined) return true;
  }
  return false;
}
