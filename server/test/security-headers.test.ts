// The CSP pieces: which inline scripts are hashed (exactly the bytes a browser hashes),
// and the policy built from them. The Playwright spec e2e/security-headers.spec.ts
// proves the hashes match what Chromium runs and blocks.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  contentSecurityPolicy,
  inlineScriptHashes,
  originOf,
  securityHeaders,
} from "../web/security-headers";

const sha = (s: string) => `'sha256-${createHash("sha256").update(s, "utf8").digest("base64")}'`;

describe("inlineScriptHashes", () => {
  it("hashes inline scripts byte for byte, and skips external and data scripts", () => {
    const a = `(self.__next_f=self.__next_f||[]).push([0])`;
    const b = `self.__next_f.push([1,"héllo \\u003c/b\\u003e"])`;
    const html =
      `<html><head><script src="/_next/static/x.js" async=""></script><script>${a}</script></head>` +
      `<body><script id="x">${b}</script><script type="application/ld+json">{"a":1}</script>` +
      `<script></script><SCRIPT type="module">m()</SCRIPT></body></html>`;
    expect(inlineScriptHashes(html)).toEqual([sha(a), sha(b), sha("m()")]);
  });
});

describe("contentSecurityPolicy", () => {
  it("allows scripts only from self and the given hashes, and fetches only from self and the node", () => {
    const csp = contentSecurityPolicy({
      scriptHashes: [sha("x")],
      connectOrigins: [originOf("https://node.example.org/api/")!],
    });
    expect(csp).toContain(`script-src 'self' ${sha("x")};`);
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("connect-src 'self' https://node.example.org;");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(originOf("javascript:alert(1)")).toBeUndefined();
    expect(originOf("not a url")).toBeUndefined();
  });

  it("sends no CSP under next dev, the other headers always", () => {
    expect(securityHeaders(undefined)).not.toHaveProperty("content-security-policy");
    expect(securityHeaders(undefined)["referrer-policy"]).toBe("no-referrer");
  });
});
