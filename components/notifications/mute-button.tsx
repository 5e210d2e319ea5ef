"use client";
import { useEffect, useState } from "react";
import { useClient } from "@/components/client/client-context";
import { buttonStyles } from "@/components/ui/button-styles";
import { BellIcon, BellOffIcon } from "@/components/ui/icons";

/** The thread header's bell: mutes this conversation's push notifications on every device. */
export function MuteButton({ conversationId }: { conversationId: string }) {
  const { client } = useClient();
  const [muted, setMuted] = useState<boolean | undefined>();
  useEffect(() => {
    let live = true;
    const read = () =>
      void client.push
        .isMuted(conversationId)
        .then((m) => live && setMuted(m))
        .catch(() => undefined);
    read();
    const off = client.push.onStatusChange(read);
    return () => {
      live = false;
      off();
    };
  }, [client, conversationId]);
  if (muted === undefined) return null;
  const label = muted ? "Unmute notifications" : "Mute notifications";
  return (
    <button
      type="button"
      data-testid="mute-conversation"
      aria-pressed={muted}
      aria-label={label}
      title={label}
      className={buttonStyles.icon}
      onClick={() => void client.push.setMuted(conversationId, !muted).catch(() => undefined)}
    >
      {muted ? <BellOffIcon className="h-5 w-5" /> : <BellIcon className="h-5 w-5" />}
    </button>
  );
}
