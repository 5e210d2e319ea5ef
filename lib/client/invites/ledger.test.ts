// The group's record of an invite, folded: every admin's device reads the same controls in
// the node's order and so reaches the same answers. First claim of a request wins; at the
// last use the request claimed first gets it; a revocation binds the claims after it only;
// expiry is judged at the time of the request, not of the claim.
import { describe, expect, it } from "vitest";
import type { InviteControlContent } from "../../content";
import { foldLedger, type LedgerEntry } from "./ledger";

const INVITE = "ab".repeat(16);
const inbox = (c: string) => c.repeat(64);
const T0 = 1_700_000_000_000_000_000n;
const terms = (maxUses = 0) => ({ expiresAt: new Date(Number(T0 / 1_000_000n) + 60_000), maxUses });

let node = 0n;
function entry(control: InviteControlContent, sentAtNs = T0): LedgerEntry {
  node += 1n;
  return { nodeId: node, senderInboxId: inbox("a"), sentAtNs, control };
}
const claim = (requestId: string, requester: string, claimId: string, at = T0) =>
  entry({
    action: "claim",
    inviteId: INVITE,
    requestId: requestId.repeat(32),
    requester,
    requestedAtNs: at.toString(),
    claimId: claimId.repeat(32),
  });
const revoke = () => entry({ action: "revoke", inviteId: INVITE }, T0 + 5n);

describe("invite ledger", () => {
  it("the first claim of a request answers it; later claims of it stay silent", () => {
    const l = foldLedger([claim("1", inbox("c"), "a"), claim("1", inbox("c"), "b")], terms());
    expect(l.claims.get("1".repeat(32))).toEqual({
      claimId: "a".repeat(32),
      requester: inbox("c"),
      outcome: { kind: "add" },
    });
    expect(l.users.size).toBe(1);
  });

  it("at the last use, the request claimed first gets it and the next is used_up", () => {
    const l = foldLedger([claim("1", inbox("c"), "a"), claim("2", inbox("d"), "b")], terms(1));
    expect(l.claims.get("1".repeat(32))?.outcome).toEqual({ kind: "add" });
    expect(l.claims.get("2".repeat(32))?.outcome).toEqual({ kind: "refuse", why: "used_up" });
    // The same person asking again is not a second use.
    const again = foldLedger([claim("1", inbox("c"), "a"), claim("3", inbox("c"), "b")], terms(1));
    expect(again.claims.get("3".repeat(32))?.outcome).toEqual({ kind: "add" });
    // Uses the maker's devices counted before the group kept a record count too.
    const prior = foldLedger([claim("4", inbox("d"), "a")], terms(1), { [inbox("c")]: T0 });
    expect(prior.claims.get("4".repeat(32))?.outcome).toEqual({ kind: "refuse", why: "used_up" });
  });

  it("a revocation binds the claims ordered after it, not before", () => {
    const l = foldLedger(
      [claim("1", inbox("c"), "a"), revoke(), claim("2", inbox("d"), "a")],
      terms(),
    );
    expect(l.claims.get("1".repeat(32))?.outcome).toEqual({ kind: "add" });
    expect(l.claims.get("2".repeat(32))?.outcome).toEqual({ kind: "refuse", why: "revoked" });
    expect(l.revokedAtNs).toBe(T0 + 5n);
    expect([...l.users.keys()]).toEqual([inbox("c")]);
  });

  it("expiry is judged at the request's time: a request in time claimed late still counts", () => {
    const expires = T0 + 60_000n * 1_000_000n;
    const l = foldLedger(
      [claim("1", inbox("c"), "a", expires - 1n), claim("2", inbox("d"), "a", expires)],
      terms(),
    );
    expect(l.claims.get("1".repeat(32))?.outcome).toEqual({ kind: "add" });
    expect(l.claims.get("2".repeat(32))?.outcome).toEqual({ kind: "refuse", why: "expired" });
  });
});
