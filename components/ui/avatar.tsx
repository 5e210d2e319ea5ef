import { hueOf } from "@/components/format/address";

/** A calm, stable colour disc per address (no images, nothing fetched). */
export function Avatar({
  seed,
  size = "md",
  label: given,
}: {
  seed: string;
  size?: "xs" | "sm" | "md" | "lg";
  /** Up to two characters; by default from the seed (an address's first hex digits). */
  label?: string;
}) {
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
  return (
    <span
      aria-hidden
      className={`${dims} inline-flex shrink-0 items-center justify-center rounded-full font-semibold text-white`}
      style={{
        backgroundImage: `linear-gradient(135deg, hsl(${hue} 62% 48%), hsl(${(hue + 40) % 360} 62% 38%))`,
      }}
    >
      {label}
    </span>
  );
}
