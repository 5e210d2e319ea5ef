// The backup passphrase is the only secret guarding a file that may sit in a downloads folder
// or a cloud drive for years, so a guess must stay expensive even with a memory-hard KDF in
// front of it. The rule: at least 12 characters AND an estimated 50 bits (the estimate
// discounts repeats and runs such as "aaaa" or "1234"). A rough estimate, on purpose: it is
// feedback to steer people away from short or patterned phrases, not a promise.

export const MIN_PASSPHRASE_LENGTH = 12;
export const MIN_PASSPHRASE_BITS = 50;

export type PassphraseLevel = "too_weak" | "fair" | "good" | "strong";

export interface PassphraseStrength {
  level: PassphraseLevel;
  /** Estimated entropy in bits (rounded down). */
  bits: number;
  /** Whether a backup may be made with it. */
  acceptable: boolean;
  /** What to do about it, for the person choosing it (empty when strong). */
  hint: string;
}

/** Size of the alphabet the phrase's characters come from. */
function poolSize(chars: string[]): number {
  let pool = 0;
  if (chars.some((c) => /[a-z]/.test(c))) pool += 26;
  if (chars.some((c) => /[A-Z]/.test(c))) pool += 26;
  if (chars.some((c) => /[0-9]/.test(c))) pool += 10;
  if (chars.some((c) => /[\x20-\x7e]/.test(c) && !/[a-zA-Z0-9]/.test(c))) pool += 33;
  if (chars.some((c) => c.codePointAt(0)! > 0x7e)) pool += 100;
  return pool;
}

/** Characters that add something: not a repeat of, nor one step from, the previous one. */
function effectiveLength(chars: string[]): number {
  let n = 0;
  for (let i = 0; i < chars.length; i++) {
    if (i === 0) {
      n++;
      continue;
    }
    const step = chars[i]!.codePointAt(0)! - chars[i - 1]!.codePointAt(0)!;
    if (Math.abs(step) > 1) n++;
  }
  return n;
}

export function passphraseStrength(passphrase: string): PassphraseStrength {
  const chars = [...passphrase];
  const bits = Math.floor(effectiveLength(chars) * Math.log2(Math.max(poolSize(chars), 1)));
  const long = chars.length >= MIN_PASSPHRASE_LENGTH;
  const acceptable = long && bits >= MIN_PASSPHRASE_BITS;
  const level: PassphraseLevel = !acceptable
    ? "too_weak"
    : bits >= 90
      ? "strong"
      : bits >= 70
        ? "good"
        : "fair";
  const hint = !long
    ? `Use at least ${MIN_PASSPHRASE_LENGTH} characters (${chars.length} so far).`
    : !acceptable
      ? "Too predictable: avoid repeats and runs like 1234; add words, digits or symbols."
      : level === "strong"
        ? ""
        : "Longer is stronger: a few unrelated words make a good passphrase.";
  return { level, bits, acceptable, hint };
}
