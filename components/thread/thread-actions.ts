"use client";
import { createContext, useContext } from "react";
import type { DecodedMessage } from "@/lib/client";
import type { InboxLabel } from "@/components/group/inbox-labels";

/** What a bubble can ask of its thread, without threading callbacks through every prop. */
export interface ThreadActions {
  react(messageId: string, emoji: string, action: "added" | "removed"): void;
  replyTo(m: DecodedMessage): void;
  /** Whether the menu offers Edit / Delete for this message (the library checks again). */
  canEdit(m: DecodedMessage): boolean;
  canDelete(m: DecodedMessage): boolean;
  /** Loads the message's current text into the composer to edit it. */
  startEdit(m: DecodedMessage, currentText: string): void;
  /** Asks to confirm, then deletes for everyone. */
  askDelete(m: DecodedMessage): void;
  /** Scrolls to a message and flashes it (a reply's quote was clicked). */
  jumpTo(messageId: string, smooth?: boolean): void;
  name: InboxLabel;
}

export const ThreadActionsContext = createContext<ThreadActions | null>(null);

export function useThreadActions(): ThreadActions {
  const v = useContext(ThreadActionsContext);
  if (!v) throw new Error("useThreadActions must be used inside a thread");
  return v;
}
