"use client";

/**
 * The conversation came from a backup (or another device's history) and no member's app has
 * added this device to it yet: it can be read here, not written to. It joins by itself when
 * someone in it next sends a message (their app adds this device first).
 */
export function NotJoinedNotice() {
  return (
    <p
      data-testid="not-joined"
      role="status"
      className="border-t border-zinc-200 px-4 py-4 text-center text-sm text-zinc-600 dark:border-zinc-800 dark:text-zinc-400"
    >
      This device isn&apos;t in this conversation yet: you can read its history, not send. It joins
      when someone in it sends a message.
    </p>
  );
}
