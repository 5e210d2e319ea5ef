import { describe, expect, it } from "vitest";
import { avatarUrl, MAX_DATA_URL } from "./avatar";

// What an ENS avatar record (ENSIP-12) turns into: the one URL a viewer's browser may load.
describe("avatarUrl", () => {
  it("loads https: and data:image/* records as they are", () => {
    expect(avatarUrl("https://img.example.org/a.png")).toBe("https://img.example.org/a.png");
    expect(avatarUrl(" data:image/png;base64,iVBORw0KGgo= ")).toBe(
      "data:image/png;base64,iVBORw0KGgo=",
    );
    expect(avatarUrl("data:image/svg+xml;utf8,<svg/>")).toBe("data:image/svg+xml;utf8,<svg/>");
  });

  it("refuses what would leak or run elsewhere: http:, credentials in URLs, non-image data:, huge data:", () => {
    expect(avatarUrl("http://img.example.org/a.png")).toBeUndefined();
    expect(avatarUrl("https://user:pw@img.example.org/a.png")).toBeUndefined();
    expect(avatarUrl("data:text/html,<script>alert(1)</script>")).toBeUndefined();
    expect(avatarUrl("javascript:alert(1)")).toBeUndefined();
    expect(avatarUrl(`data:image/png;base64,${"A".repeat(MAX_DATA_URL)}`)).toBeUndefined();
    expect(avatarUrl("")).toBeUndefined();
    expect(avatarUrl(null)).toBeUndefined();
  });

  it("ipfs:// only through a configured gateway", () => {
    const cid = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";
    expect(avatarUrl(`ipfs://${cid}`)).toBeUndefined();
    expect(avatarUrl(`ipfs://${cid}/me.png`, { ipfsGateway: "https://gw.example.org/" })).toBe(
      `https://gw.example.org/ipfs/${cid}/me.png`,
    );
    // A gateway that is not https (or loopback) is no gateway.
    expect(avatarUrl(`ipfs://${cid}`, { ipfsGateway: "http://gw.example.org" })).toBeUndefined();
  });

  it("does not show NFT avatars (their owner is not checked), nor ar:/ipns:", () => {
    expect(
      avatarUrl("eip155:1/erc721:0xb47e3cd837dDF8e4c57F05d70Ab865de6e193BBB/1"),
    ).toBeUndefined();
    expect(avatarUrl("ar://abc")).toBeUndefined();
    expect(avatarUrl("ipns://k51abc")).toBeUndefined();
  });
});
