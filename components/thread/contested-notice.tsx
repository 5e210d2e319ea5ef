"use client";

/**
 * Two different versions of this conversation reached this device (a former member can
 * make one up under its ID) and none of the person's other devices has confirmed one yet:
 * say so, and that what they write waits until it is settled.
 */
export function ContestedNotice({ contested }: { contested: boolean | undefined }) {
  if (!contested) return null;
  return (
    <div
      data-testid="contested"
      role="alert"
      className="border-t border-amber-200 bg-amber-50 px-4 py-2.5 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <p className="font-medium">This conversation isn&apos;t confirmed on this device yet.</p>
      <p className="mt-0.5 text-xs">
        This device received two different versions of it; one may come from a former member. Open
        the app on one of your other devices to confirm the real one. Anything you write is kept and
        sent only to the confirmed conversation.
      </p>
    </div>
  );
}
