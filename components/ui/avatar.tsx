"use client";
import { useState } from "react";
import { hueOf } from "@/components/format/address";

/**
 * A calm, stable colour disc per address, and over it the person's ENS avatar when they have
 * one (`imageUrl`, already vetted by the client). The image sits inside the disc's box, so
 * loading it moves nothing; while it loads, and if it fails, the disc shows.
 */
export function Avatar({
  seed,
  size = "md",
  label: given,
  imageUrl,
}: {
  seed: string;
  size?: "xs" | "sm" | "md" | "lg";
  /** Up to two characters; by default from the seed (an address's first hex digits). */
  label?: string;
  imageUrl?: string | undefined;
}) {
  const [failed, setFailed] = useState<string>();
  const hue = hueOf(seed.toLowerCase());
  const dims =
    size === "lg"
      ? "h-14 w-14 text-lg"
      : size === "sm"
        ? "h-8 w-8 text-xs"
        : size === "xs"
          ? "h-6 w-6 text-[0.6rem]"
          : "h-11 w-11 text-sm";
  const label =
    given ??
    (seed.startsWith("0x") ? seed.slice(2, 4).toUpperCase() : seed.slice(0, 2).toUpperCase());
  const showImage = imageUrl !== undefined && failed !== imageUrl;
  return (
    <span
      aria-hidden
      className={`${dims} relative inline-flex shrink-0 items-center justify-center overflow-hidden rounded-full font-semibold text-white`}
      style={{
        backgroundImage: `linear-gradient(135deg, hsl(${hue} 62% 48%), hsl(${(hue + 40) % 360} 62% 38%))`,
      }}
    >
      {label}
      {showImage && (
        // A plain <img>: the URL is the person's own choice (any https host), which next/image
        // would fetch through this server. No Referer (headers), lazy in long lists.
        // eslint-disable-next-line @next/next/no-img-element
        <img
          src={imageUrl}
          alt=""
          data-testid="avatar-image"
          loading="lazy"
          decoding="async"
          referrerPolicy="no-referrer"
          draggable={false}
          onError={() => setFailed(imageUrl)}
          className="absolute inset-0 h-full w-full bg-zinc-200 object-cover dark:bg-zinc-800"
        />
      )}
    </span>
  );
}
