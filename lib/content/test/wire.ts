// What both codec test files need: a value's trip through the registry and the wire as a
// peer would receive it, a codec's ContentError, and a hand-built EncodedContent.
import { expect } from "vitest";
import {
  ContentError,
  defaultRegistry,
  encodeEncodedContent,
  type ContentTypeId,
  type EncodedContent,
} from "..";

export const registry = defaultRegistry();

/** Encode through the registry, serialise, parse and decode again: what a peer sees. */
export async function viaWire(type: ContentTypeId, value: unknown) {
  const bytes = encodeEncodedContent(registry.encode(type, value));
  return registry.decodeBytes(bytes);
}

export function errorOf(fn: () => unknown): ContentError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ContentError);
    return e as ContentError;
  }
  throw new Error("expected a ContentError, nothing was thrown");
}

export function wire(type: ContentTypeId, parameters: Record<string, string>, content: Uint8Array) {
  return { type: { ...type }, parameters, content } satisfies EncodedContent;
}
