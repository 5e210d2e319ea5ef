"use client";
import { useCallback, useEffect, useState } from "react";
import type { Client, PushStatus } from "@/lib/client";
import { subscribeToPush, unsubscribeFromPush } from "@/components/pwa/push-subscription";

/** The notifications switch: its state, turning it on (permission + subscription) or off. */
export function usePush(client: Client) {
  const [status, setStatus] = useState<PushStatus | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    void client.push.status().then((s) => live && setStatus(s));
    const off = client.push.onStatusChange((s) => setStatus(s));
    return () => {
      live = false;
      off();
    };
  }, [client]);

  const turnOn = useCallback(async () => {
    setBusy(true);
    setError(undefined);
    try {
      if ((await Notification.requestPermission()) !== "granted")
        throw new Error("Notifications are blocked for this site in your browser's settings.");
      const key = await client.push.vapidPublicKey();
      const sub = await subscribeToPush(key).catch((err: unknown) => {
        throw new Error(`This browser refused a push subscription: ${(err as Error).message}`);
      });
      if (!sub.endpoint || !sub.keys?.p256dh || !sub.keys.auth)
        throw new Error("The browser gave an incomplete push subscription.");
      await client.push.enable({
        endpoint: sub.endpoint,
        keys: { p256dh: sub.keys.p256dh, auth: sub.keys.auth },
      });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }, [client]);

  const turnOff = useCallback(async () => {
    setBusy(true);
    setError(undefined);
    try {
      await client.push.disable();
      await unsubscribeFromPush();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }, [client]);

  return { status, busy, error, turnOn, turnOff };
}
