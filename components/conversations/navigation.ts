// The open conversation lives in ?c= and changes with history.pushState: one
// static shell serves every conversation (Next syncs useSearchParams with it).
export function conversationHref(id?: string): string {
  return id ? `/conversations?c=${encodeURIComponent(id)}` : "/conversations";
}

// Whether the thread on screen was opened from the list in this page's life:
// then "back" is a real history step (the browser's back button agrees).
let openedFromList = false;

export function openConversation(id?: string): void {
  openedFromList = id !== undefined;
  window.history.pushState(null, "", conversationHref(id));
}

export function backToList(): void {
  if (openedFromList) {
    openedFromList = false;
    window.history.back();
  } else {
    window.history.pushState(null, "", conversationHref());
  }
}
