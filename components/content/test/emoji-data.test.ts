import compact from "emojibase-data/en/compact.json";
import { describe, expect, it } from "vitest";
import {
  QUICK_REACTIONS,
  canonicalEmoji,
  emojiGroups,
  searchEmoji,
  type CompactEmojiLike,
} from "../emoji-data";

const SKIN_TONE = /[\u{1F3FB}-\u{1F3FF}]/u;
const groups = emojiGroups(compact);
const all = groups.flatMap((g) => g.emoji);

describe("emoji groups from emojibase", () => {
  it("shapes a list: base emoji only, by group, in keyboard order", () => {
    const list: CompactEmojiLike[] = [
      { label: "b", unicode: "B", group: 0, order: 2 },
      { label: "a", unicode: "A", group: 0, order: 1, tags: ["First", "x"] },
      { label: "tone", unicode: "T", group: 2, order: 3 },
      { label: "loose", unicode: "L" },
      { label: "flag", unicode: "F", group: 9, order: 4 },
    ];
    const shaped = emojiGroups(list);
    expect(shaped.map((g) => g.name)).toEqual(["Smileys & emotion", "Flags"]);
    expect(shaped[0]?.emoji).toEqual([
      { emoji: "A", label: "a", tags: ["first", "x"] },
      { emoji: "B", label: "b", tags: [] },
    ]);
  });

  it("has every category but components, and no skin-tone or regional-indicator entries", () => {
    expect(groups.map((g) => g.id)).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9]);
    expect(all.some((e) => SKIN_TONE.test(e.emoji))).toBe(false);
    expect(all.some((e) => e.label.startsWith("regional indicator"))).toBe(false);
    const components = ["light skin tone", "dark skin tone", "red hair", "curly hair", "bald"];
    expect(all.filter((e) => components.includes(e.label))).toEqual([]);
    const expected = compact.filter((e) => e.group !== undefined && e.group !== 2).length;
    expect(all).toHaveLength(expected);
    expect(all.length).toBeGreaterThan(1800);
    expect(new Set(all.map((e) => e.emoji)).size).toBe(all.length);
    expect(groups[0]?.emoji[0]).toMatchObject({ emoji: "😀", label: "grinning face" });
  });

  it("gives the same form as the quick reactions (fully qualified)", () => {
    const set = new Set(all.map((e) => e.emoji));
    for (const quick of QUICK_REACTIONS) expect(set.has(quick), quick).toBe(true);
    expect(canonicalEmoji("👍\uFE0F")).toBe("👍");
    expect(canonicalEmoji("❤\uFE0F")).toBe("❤\uFE0F");
    expect(canonicalEmoji("🏳\uFE0F\u200D🌈")).toBe("🏳\uFE0F\u200D🌈");
  });
});

describe("emoji search", () => {
  const found = (q: string) => searchEmoji(groups, q).map((e) => e.emoji);

  it("finds by label, best match first, ignoring case and extra spaces", () => {
    expect(found("thumbs up")[0]).toBe("👍");
    expect(found("  Cat   FACE ")[0]).toBe("🐱");
    expect(found("red heart")[0]).toBe("❤️");
  });

  it("finds by tag", () => {
    expect(found("lol")).toContain("😂");
    expect(found("+1")).toContain("👍");
    expect(found("de")).toContain("🇩🇪"); // tag "DE"
  });

  it("requires every word to match", () => {
    const hits = searchEmoji(groups, "cat grin");
    expect(hits.length).toBeGreaterThan(0);
    for (const e of hits) expect(e.label).toMatch(/cat/);
  });

  it("returns nothing for an empty or unknown query, and at most the limit", () => {
    expect(found("   ")).toEqual([]);
    expect(found("zzqxj")).toEqual([]);
    expect(searchEmoji(groups, "face", 10)).toHaveLength(10);
  });
});
