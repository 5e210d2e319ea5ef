"use client";
import { createContext, useContext } from "react";
import type { Client } from "@/lib/client";

/** The connection as a view shows it: the leader's stream state, or "offline". */
export type ConnectionView = "idle" | "connecting" | "live" | "reconnecting" | "offline";

export interface ClientContextValue {
  client: Client;
  isLeader: boolean;
  connection: ConnectionView;
  /** Another device revoked this one: history stays readable, nothing can be sent. */
  revoked: boolean;
  /** The thread on screen (for notifications and read receipts). */
  setOpenConversation(id: string | undefined): void;
}

export const ClientContext = createContext<ClientContextValue | null>(null);

export function useClient(): ClientContextValue {
  const value = useContext(ClientContext);
  if (!value) throw new Error("useClient must be used inside <ClientProvider>");
  return value;
}
