// Whether a client's stream is live (caught up and connected): then every envelope the node
// takes reaches the receive path within moments, and a send need not ask the node for
// waiting commits first (catch-up.ts). Kept apart so the send path does not import the stream.
import type { ClientContext } from "../context";

const live = new WeakMap<ClientContext, boolean>();

export function setStreamLive(ctx: ClientContext, isLive: boolean): void {
  live.set(ctx, isLive);
}

export function streamIsLive(ctx: ClientContext): boolean {
  return live.get(ctx) === true;
}
