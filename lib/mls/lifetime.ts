// Key-package lifetimes (RFC 9420 §7.2), checked when adding and when receiving an add.
// ts-mls checks them only for the committer (validateLifetimeOnReceive is off, and turning
// it on would also check every key_package leaf of a joined tree — a long-lived member
// that never committed would then lock new joiners out). So the check is ours, on key
// packages about to enter the tree only.

import type { KeyPackage } from "ts-mls";
import { MlsError } from "./errors";

const nowSeconds = () => BigInt(Math.floor(Date.now() / 1000));
const iso = (s: bigint) => new Date(Number(s) * 1000).toISOString();

/** Why the key package cannot be used now, or undefined. */
export function lifetimeProblem(kp: KeyPackage, now = nowSeconds()): string | undefined {
  const { notBefore, notAfter } = kp.leafNode.lifetime;
  if (notAfter < now) return `the key package expired at ${iso(notAfter)}`;
  if (notBefore > now) return `the key package is not valid before ${iso(notBefore)}`;
  return undefined;
}

/** Throws `key_package_lifetime`, naming `what` (e.g. "keyPackages[2]"), outside its lifetime. */
export function checkLifetime(kp: KeyPackage, what: string): void {
  const problem = lifetimeProblem(kp);
  if (problem !== undefined) throw new MlsError("key_package_lifetime", `${what}: ${problem}`);
}
