import { Avatar } from "@/components/ui/avatar";

/** Initials of the group's name on a colour of its id; nothing is fetched (image URLs stay opt-in). */
export function GroupAvatar({
  id,
  name,
  size,
}: {
  id: string;
  name?: string;
  size?: "xs" | "sm" | "md" | "lg";
}) {
  const words = (name ?? "").trim().split(/\s+/).filter(Boolean);
  const initials = words
    .slice(0, 2)
    .map((w) => [...w][0]!.toUpperCase())
    .join("");
  return <Avatar seed={id} size={size} label={initials || "#"} />;
}

export function groupTitle(name: string | undefined): string {
  return name?.trim() ? name : "Unnamed group";
}
