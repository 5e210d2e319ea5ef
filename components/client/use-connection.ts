"use client";
import { useEffect, useState } from "react";
import type { Client, ConnectionState } from "@/lib/client";
import type { ConnectionView } from "./client-context";

type Msg = { type: "state"; state: ConnectionState } | { type: "ask" };

/**
 * The leader's stream state, shared with follower tabs over a BroadcastChannel
 * (followers have no stream of their own), plus the browser's offline signal.
 */
export function useConnection(client: Client, isLeader: boolean): ConnectionView {
  const [state, setState] = useState<ConnectionState>(isLeader ? client.connection : "connecting");
  const [online, setOnline] = useState(true);

  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    update();
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    return () => {
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, []);

  useEffect(() => {
    const channel =
      typeof BroadcastChannel !== "undefined"
        ? new BroadcastChannel(`messenger:connection:${client.address}`)
        : undefined;
    let off = () => {};
    if (isLeader) {
      const post = (s: ConnectionState) =>
        channel?.postMessage({ type: "state", state: s } satisfies Msg);
      off = client.onConnectionChange((s) => {
        setState(s);
        post(s);
      });
      post(client.connection);
      if (channel)
        channel.onmessage = (e: MessageEvent<Msg>) => {
          if (e.data.type === "ask") post(client.connection);
        };
    } else if (channel) {
      channel.onmessage = (e: MessageEvent<Msg>) => {
        if (e.data.type === "state") setState(e.data.state);
      };
      channel.postMessage({ type: "ask" } satisfies Msg);
    }
    return () => {
      off();
      channel?.close();
    };
  }, [client, isLeader]);

  return online ? state : "offline";
}
