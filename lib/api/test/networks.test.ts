import { describe, expect, it } from "vitest";
import { parseNetworks } from "../networks";

describe("parseNetworks (NEXT_PUBLIC_NETWORKS)", () => {
  it("reads name=url pairs in order, trimming spaces and trailing slashes", () => {
    expect(parseNetworks(" local=http://localhost:3000/ , dev=https://dev.example.org")).toEqual([
      { name: "local", url: "http://localhost:3000" },
      { name: "dev", url: "https://dev.example.org" },
    ]);
    expect(parseNetworks(undefined)).toEqual([]);
    expect(parseNetworks("")).toEqual([]);
  });

  it("names the bad entry instead of dropping it", () => {
    expect(() => parseNetworks("local")).toThrow(/"local" is not name=url/);
    expect(() => parseNetworks("dev=not a url")).toThrow(/dev's URL "not a url" is not a URL/);
    expect(() => parseNetworks("dev=ftp://x.example")).toThrow(/dev's URL must be http/);
    expect(() => parseNetworks("a=http://x.example,a=http://y.example")).toThrow(
      /"a" is named twice/,
    );
  });
});
