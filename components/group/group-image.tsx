"use client";
import { useState } from "react";
import { buttonStyles } from "@/components/ui/button-styles";
import { imageUrlProblem } from "./group-fields";

/**
 * The group image is someone else's URL: loading it tells that server our IP address
 * and when we looked. So it loads only when asked, and without a referrer.
 */
export function GroupImage({ url }: { url: string }) {
  const [shown, setShown] = useState(false);
  const [failed, setFailed] = useState(false);
  if (imageUrlProblem(url) !== undefined) return null;
  if (!shown)
    return (
      <p className="mt-3 flex items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400">
        <button
          type="button"
          data-testid="show-group-image"
          className={`${buttonStyles.ghost} text-xs`}
          onClick={() => setShown(true)}
        >
          Show group image
        </button>
        Loads it from {new URL(url).host}.
      </p>
    );
  return failed ? (
    <p className="mt-3 text-xs text-zinc-500 dark:text-zinc-400">The image could not be loaded.</p>
  ) : (
    // eslint-disable-next-line @next/next/no-img-element -- a user's URL: no optimiser proxy
    <img
      src={url}
      alt="Group image"
      referrerPolicy="no-referrer"
      onError={() => setFailed(true)}
      className="mt-3 h-24 w-24 rounded-2xl object-cover"
    />
  );
}
