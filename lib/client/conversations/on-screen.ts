// Conversations on screen in a visible page of this client (an accepted thread the person is
// reading). A message received there is stored read: counted unread first, the view would
// reset the count a moment later, a second write after which every live query of the page
// runs again. A thread open in another tab than the one receiving is still reset by its view.
import type { ClientContext } from "../context";

const shown = new WeakMap<ClientContext, Map<string, number>>();

/** Marks a conversation on screen until the returned function is called. */
export function showOnScreen(ctx: ClientContext, conversationId: string): () => void {
  let views = shown.get(ctx);
  if (!views) shown.set(ctx, (views = new Map()));
  const map = views;
  map.set(conversationId, (map.get(conversationId) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (map.get(conversationId) ?? 1) - 1;
    if (left > 0) map.set(conversationId, left);
    else map.delete(conversationId);
  };
}

export function isOnScreen(ctx: ClientContext, conversationId: string): boolean {
  return (shown.get(ctx)?.get(conversationId) ?? 0) > 0;
}
