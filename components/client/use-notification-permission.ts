"use client";
import { useCallback, useState, useSyncExternalStore } from "react";

export type Permission = NotificationPermission | "unsupported";

function read(): Permission {
  return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
}

function subscribe(onChange: () => void): () => void {
  let status: PermissionStatus | undefined;
  let done = false;
  navigator.permissions
    ?.query({ name: "notifications" })
    .then((s) => {
      if (done) return;
      status = s;
      s.addEventListener("change", onChange);
    })
    .catch(() => undefined);
  return () => {
    done = true;
    status?.removeEventListener("change", onChange);
  };
}

/** The notification permission, and a way to ask for it. */
export function useNotificationPermission(): [Permission, () => void] {
  const [, bump] = useState(0);
  const permission = useSyncExternalStore(subscribe, read, () => "default" as Permission);
  const request = useCallback(() => {
    if (typeof Notification === "undefined") return;
    void Notification.requestPermission().then(() => bump((n) => n + 1));
  }, []);
  return [permission, request];
}
