"use client";
import { useCallback, useState } from "react";
import { drafts } from "@/components/session/storage";

/** The composer text, kept per conversation in sessionStorage so nothing typed is lost. */
export function useDraft(conversationId: string): [string, (text: string) => void] {
  const [text, setTextState] = useState(() => drafts.get(conversationId));
  const setText = useCallback(
    (next: string) => {
      setTextState(next);
      drafts.set(conversationId, next);
    },
    [conversationId],
  );
  return [text, setText];
}
