// The open conversation lives in ?c= and changes with history.pushState: one
// static shell serves every conversation (Next syncs useSearchParams with it).
export function conversationHref(id?: string, messageId?: string): string {
  if (!id) return "/conversations";
  const href = `/conversations?c=${encodeURIComponent(id)}`;
  // ?m= asks the thread to show that message (a search result): it scrolls there once.
  return messageId ? `${href}&m=${encodeURIComponent(messageId)}` : href;
}

// Whether the thread on screen was opened from the list in this page's life:
// then "back" is a real history step (the browser's back button agrees).
let openedFromList = false;

export function openConversation(id?: string, messageId?: string): void {
  openedFromList = id !== undefined;
  window.history.pushState(null, "", conversationHref(id, messageId));
}

/** The thread showed the message ?m= asked for: drop it, so a reload does not jump again. */
export function forgetFocusedMessage(id: string): void {
  window.history.replaceState(window.history.state, "", conversationHref(id));
}

export function backToList(): void {
  if (openedFromList) {
    openedFromList = false;
    window.history.back();
  } else {
    window.history.pushState(null, "", conversationHref());
  }
}
