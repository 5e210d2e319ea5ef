// The snippet a search result shows: the match found case- and accent-insensitively, its range
// pointing at the original characters, long texts cut around the match.
import { describe, expect, it } from "vitest";
import { fold } from "./fold";
import { snippetOf } from "./snippet";

const marked = (text: string, query: string) => {
  const s = snippetOf(text, fold(query));
  return (
    s &&
    `${s.text.slice(0, s.match.start)}[${s.text.slice(s.match.start, s.match.end)}]${s.text.slice(s.match.end)}`
  );
};

describe("snippetOf", () => {
  it("marks the original characters whatever their case and accents", () => {
    expect(marked("Le Café crème", "CAFE CREME")).toBe("Le [Café crème]");
    // Precomposed and decomposed accents both fold to the same letters.
    expect(marked("cafe\u0301 noir", "café")).toBe("[cafe\u0301] noir");
    expect(marked("İstanbul trip", "istanbul")).toBe("[İstanbul] trip");
    expect(marked("nothing here", "café")).toBeUndefined();
  });

  it("cuts a long message around the match, on a space, with ellipses", () => {
    const text = `${"word ".repeat(40)}the needle is here ${"tail ".repeat(40)}`;
    const s = snippetOf(text, fold("NEEDLE"))!;
    expect(s.text.startsWith("…")).toBe(true);
    expect(s.text.endsWith("…")).toBe(true);
    expect(s.text.length).toBeLessThanOrEqual(122);
    expect(s.text.slice(s.match.start, s.match.end)).toBe("needle");
    expect(s.text[1]).not.toBe(" "); // starts on a whole word
  });

  it("keeps the range right when line breaks before the match are collapsed", () => {
    expect(marked("first line\n\n  second zèbre", "zebre")).toBe("first line second [zèbre]");
  });
});
