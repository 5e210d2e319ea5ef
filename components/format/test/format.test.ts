import { isValidElement } from "react";
import { describe, expect, it } from "vitest";
import { addressProblem, isAddress, shortAddress } from "../address";
import { dayLabel, relativeTime } from "../time";
import { linkify } from "../linkify";

const ADDR = "0x1234567890abcdef1234567890abcdef12345678";

describe("addresses as people see them", () => {
  it("shortens to 0x1234…5678", () => {
    expect(shortAddress(ADDR)).toBe("0x1234…5678");
  });

  it("says what is wrong with a half-typed address, nothing when valid", () => {
    expect(addressProblem("")).toBeUndefined();
    expect(addressProblem(ADDR)).toBeUndefined();
    expect(addressProblem("1234")).toBe("An address starts with 0x");
    expect(addressProblem("0x12zz")).toMatch(/0–9 and letters a–f/);
    expect(addressProblem("0x1234")).toBe("36 more characters needed");
    expect(addressProblem(ADDR + "ab")).toBe("2 characters too many");
    expect(isAddress(ADDR.toUpperCase().replace("0X", "0x"))).toBe(true);
  });
});

describe("times", () => {
  const now = new Date(2026, 10, 22, 15, 0);
  it("labels days Today / Yesterday / weekday / date", () => {
    expect(dayLabel(new Date(2026, 10, 22, 0, 1), now)).toBe("Today");
    expect(dayLabel(new Date(2026, 10, 21, 23, 59), now)).toBe("Yesterday");
    expect(dayLabel(new Date(2026, 10, 18), now)).toBe(
      new Intl.DateTimeFormat(undefined, { weekday: "long" }).format(new Date(2026, 10, 18)),
    );
    expect(dayLabel(new Date(2026, 0, 2), now)).toContain("2026");
  });

  it("gives the list a short relative time", () => {
    expect(relativeTime(new Date(now.getTime() - 20_000), now)).toBe("now");
    expect(relativeTime(new Date(now.getTime() - 5 * 60_000), now)).toBe("5 min");
    expect(relativeTime(new Date(2026, 10, 21, 9), now)).toBe("Yesterday");
  });
});

describe("linkify", () => {
  type LinkProps = { href: string; rel: string; target: string };
  const hrefs = (text: string): LinkProps[] =>
    linkify(text, "")
      .map((n) => (isValidElement(n) ? (n.props as Partial<LinkProps>) : undefined))
      .filter((p): p is LinkProps => typeof p?.href === "string");

  it("links http(s) and www. with rel=noopener noreferrer, leaving punctuation out", () => {
    const links = hrefs("see https://example.com/a, and www.example.org.");
    expect(links.map((l) => l.href)).toEqual(["https://example.com/a", "https://www.example.org"]);
    expect(links.every((l) => l.rel === "noopener noreferrer" && l.target === "_blank")).toBe(true);
  });

  it("never links other schemes", () => {
    expect(hrefs("javascript:alert(1) data:text/html,<b>x</b>")).toEqual([]);
  });
});
