// Strict readers for EncodedContent parameters and payloads, shared by the xmtp.org codecs.
// Every failure is a ContentError naming the content type and the field.

import { fromHex, fromUtf8 } from "../crypto";
import type { EncodedContent } from "./encoded-content";
import { ContentError } from "./errors";

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

export function malformed(message: string, cause?: unknown): ContentError {
  return new ContentError(
    "malformed_content",
    message,
    cause === undefined ? undefined : { cause },
  );
}

/** A parameter that must be present (it may still be empty unless `nonEmpty`). */
export function requiredParam(
  encoded: EncodedContent,
  name: string,
  where: string,
  nonEmpty = false,
): string {
  const value = encoded.parameters[name];
  if (value === undefined) throw malformed(`${where}: parameter "${name}" is missing`);
  if (nonEmpty && value === "") throw malformed(`${where}: parameter "${name}" is empty`);
  return value;
}

/** Lowercase-or-uppercase hex without 0x; `bytes` checks the decoded length. */
export function hexBytes(value: string, name: string, where: string, bytes?: number): Uint8Array {
  if (!HEX_RE.test(value)) {
    throw malformed(
      `${where}: ${name} must be even-length hex without 0x, got ${JSON.stringify(value.slice(0, 80))}`,
    );
  }
  const out = fromHex(value, name);
  if (bytes !== undefined && out.length !== bytes) {
    throw malformed(`${where}: ${name} must be ${bytes} bytes, got ${out.length}`);
  }
  return out;
}

export function checkByteLength(
  value: unknown,
  name: string,
  where: string,
  bytes: number,
): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw malformed(`${where}: ${name} must be a Uint8Array`);
  if (value.length !== bytes) {
    throw malformed(`${where}: ${name} must be ${bytes} bytes, got ${value.length}`);
  }
}

export function utf8Content(bytes: Uint8Array, where: string): string {
  try {
    return fromUtf8(bytes);
  } catch (cause) {
    throw malformed(`${where}: content is not valid UTF-8`, cause);
  }
}

export function checkString(value: unknown, name: string, where: string, nonEmpty = false): string {
  if (typeof value !== "string") {
    throw malformed(
      `${where}: ${name} must be a string, got ${value === null ? "null" : typeof value}`,
    );
  }
  if (nonEmpty && value === "") throw malformed(`${where}: ${name} must not be empty`);
  return value;
}
