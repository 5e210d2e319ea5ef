/** The fields of an emojibase CompactEmoji this picker reads. */
export type CompactEmojiLike = {
  label: string;
  unicode: string;
  group?: number;
  order?: number;
  tags?: readonly string[];
};

export type EmojiEntry = {
  /** The native emoji, the base (no skin tone) form. */
  emoji: string;
  /** CLDR name, used as the button's accessible name. */
  label: string;
  tags: readonly string[];
};

export type EmojiGroup = { id: number; name: string; icon: string; emoji: EmojiEntry[] };

/** The reactions offered before the full picker, in the same form the picker gives. */
export const QUICK_REACTIONS: readonly string[] = ["👍", "❤️", "😂", "😮", "😢", "🙏"];

// emojibase group ids. 2 ("component": skin tones, hair styles) is not something to send.
const GROUPS: readonly { id: number; name: string; icon: string }[] = [
  { id: 0, name: "Smileys & emotion", icon: "😀" },
  { id: 1, name: "People & body", icon: "👋" },
  { id: 3, name: "Animals & nature", icon: "🐻" },
  { id: 4, name: "Food & drink", icon: "🍔" },
  { id: 5, name: "Travel & places", icon: "🚗" },
  { id: 6, name: "Activities", icon: "⚽" },
  { id: 7, name: "Objects", icon: "💡" },
  { id: 8, name: "Symbols", icon: "🔣" },
  { id: 9, name: "Flags", icon: "🏁" },
];

/**
 * The fully-qualified form (Unicode emoji-test.txt): a U+FE0F after a character that
 * is already shown as emoji is dropped ("👍\uFE0F" → "👍"), one after a text-default
 * character is kept ("❤️"). Reactions are compared as strings, so the picker and the
 * quick row must give the same bytes as other apps do.
 */
export function canonicalEmoji(unicode: string): string {
  return unicode.replace(/(\p{Emoji_Presentation})\uFE0F/gu, "$1");
}

/**
 * emojibase's compact list shaped for the picker: one entry per base emoji (skin-tone
 * variants live in `skins` and are left out), in the platform keyboard order, by group.
 * Emoji without a group (lone regional indicators) and the component group are skipped.
 */
export function emojiGroups(compact: readonly CompactEmojiLike[]): EmojiGroup[] {
  const byId = new Map(GROUPS.map((g) => [g.id, { ...g, emoji: [] as EmojiEntry[] }]));
  const sorted = [...compact].sort(
    (a, b) => (a.order ?? Number.MAX_SAFE_INTEGER) - (b.order ?? Number.MAX_SAFE_INTEGER),
  );
  for (const e of sorted) {
    const group = e.group === undefined ? undefined : byId.get(e.group);
    group?.emoji.push({
      emoji: canonicalEmoji(e.unicode),
      label: e.label,
      tags: (e.tags ?? []).map((t) => t.toLowerCase()),
    });
  }
  return [...byId.values()].filter((g) => g.emoji.length > 0);
}

/** How well an emoji matches: lower is better, undefined is no match. */
function rank(e: EmojiEntry, query: string, words: readonly string[]): number | undefined {
  const label = e.label.toLowerCase();
  if (label === query) return 0;
  if (label.startsWith(query)) return 1;
  if (label.includes(` ${query}`)) return 2;
  if (e.tags.includes(query)) return 3;
  if (e.tags.some((t) => t.startsWith(query))) return 4;
  const matchesWord = (w: string) => label.includes(w) || e.tags.some((t) => t.startsWith(w));
  if (words.every(matchesWord)) return 5;
  return undefined;
}

/**
 * Emoji whose label or tags match `query` (case-insensitive; every word must match a
 * label part or a tag prefix), best matches first, keyboard order within a rank.
 * An empty query matches nothing.
 */
export function searchEmoji(
  groups: readonly EmojiGroup[],
  query: string,
  limit = 120,
): EmojiEntry[] {
  const q = query.trim().toLowerCase().replace(/\s+/g, " ");
  if (!q) return [];
  const words = q.split(" ");
  const hits: { e: EmojiEntry; rank: number; i: number }[] = [];
  let i = 0;
  for (const g of groups) {
    for (const e of g.emoji) {
      const r = rank(e, q, words);
      if (r !== undefined) hits.push({ e, rank: r, i });
      i++;
    }
  }
  hits.sort((a, b) => a.rank - b.rank || a.i - b.i);
  return hits.slice(0, limit).map((h) => h.e);
}

let loading: Promise<EmojiGroup[]> | undefined;

/**
 * The emoji data, loaded once. A dynamic import: the bundler puts the JSON in its own
 * chunk served by this app (no CDN), fetched the first time the picker opens.
 */
export function loadEmojiGroups(): Promise<EmojiGroup[]> {
  loading ??= import("emojibase-data/en/compact.json").then(
    (m) => emojiGroups(m.default),
    (err: unknown) => {
      loading = undefined; // let the next open try again (e.g. back online)
      throw err;
    },
  );
  return loading;
}
