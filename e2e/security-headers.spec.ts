import { expect, test, type Page } from "@playwright/test";
import { OTHER_NODE_PORT } from "./support/browser";

/** The local chain ens-names.spec starts (the config allows it, like the second node). */
const CHAIN_PORT = OTHER_NODE_PORT + 1;
import { guardNetwork } from "./support/network-guard";
import { shoot } from "./support/screenshots";

// Every app response carries the security headers, and the Content-Security-Policy
// lets the build's own inline scripts run (by hash) while an inline script injected
// into the live page (the XSS case: markup that reaches the DOM) is blocked and reported.

interface Violation {
  directive: string;
  blocked: string;
}

/** Collects securitypolicyviolation events from the first script of every document on. */
async function watchViolations(page: Page): Promise<() => Promise<Violation[]>> {
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: Violation[] };
    w.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      w.__violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI }),
    );
  });
  return () =>
    page.evaluate(() => (window as unknown as { __violations: Violation[] }).__violations);
}

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

test("every app response carries the CSP and the other security headers", async ({ request }) => {
  for (const path of ["/", "/onboarding", "/conversations", "/settings", "/no-such-page"]) {
    const res = await request.get(path);
    const h = res.headers();
    const csp = directives(h["content-security-policy"] ?? "");
    const scripts = csp.get("script-src") ?? [];
    expect(scripts[0], path).toBe("'self'");
    expect(scripts.slice(1).length, `${path}: the build's inline scripts, by hash`).toBeGreaterThan(
      0,
    );
    for (const s of scripts.slice(1)) expect(s).toMatch(/^'sha256-[A-Za-z0-9+/]{43}='$/);
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(scripts).not.toContain("'unsafe-eval'");
    // No NEXT_PUBLIC_NODE_URL in this run; CSP_CONNECT_SRC allows the config's second node
    // and local chain, nothing else.
    expect(csp.get("connect-src")).toEqual([
      "'self'",
      `http://127.0.0.1:${OTHER_NODE_PORT}`,
      `http://127.0.0.1:${CHAIN_PORT}`,
    ]);
    expect(csp.get("img-src")).toEqual(["'self'", "data:", "blob:"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'self'"]);
    expect(h["referrer-policy"]).toBe("no-referrer");
    expect(h["x-content-type-options"]).toBe("nosniff");
    for (const feature of ["camera", "microphone", "geolocation", "payment", "usb"]) {
      expect(h["permissions-policy"]).toContain(`${feature}=()`);
    }
  }
  // Static assets and the service worker get them too (the worker's CSP governs its fetches).
  const sw = await request.get("/sw.js");
  expect(sw.headers()["content-security-policy"]).toContain("connect-src 'self'");
  expect(sw.headers()["x-content-type-options"]).toBe("nosniff");
});

test("injectedInlineScriptIsBlockedAndReported: the app's own scripts run, an injected one does not", async ({
  page,
  context,
}) => {
  const escaped = await guardNetwork(context);
  const violations = await watchViolations(page);
  await page.goto("/");
  // Hydrated: Next's hashed inline bootstrap ran, and nothing the app does was blocked.
  await expect(page.getByTestId("connect-wallet")).toBeEnabled();
  for (const path of ["/onboarding", "/settings", "/"]) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
  }
  await expect(page.getByTestId("connect-wallet")).toBeEnabled();
  expect(await violations()).toEqual([]);
  await shoot(page, "csp-landing");

  // What an XSS would do once markup reaches the DOM: an inline <script>, and an
  // inline event handler.
  await page.evaluate(() => {
    const s = document.createElement("script");
    s.textContent = "window.__injected = 'ran'";
    document.body.appendChild(s);
    const img = document.createElement("img");
    img.setAttribute("onerror", "window.__injectedHandler = 'ran'");
    img.src = "/no-such-image.png";
    document.body.appendChild(img);
  });
  await expect.poll(async () => (await violations()).length).toBeGreaterThanOrEqual(2);
  const w = await page.evaluate(() => {
    const g = window as unknown as { __injected?: string; __injectedHandler?: string };
    return { script: g.__injected, handler: g.__injectedHandler };
  });
  expect(w).toEqual({ script: undefined, handler: undefined });
  const seen = await violations();
  expect(seen).toContainEqual({ directive: "script-src-elem", blocked: "inline" });
  expect(seen).toContainEqual({ directive: "script-src-attr", blocked: "inline" });
  expect(escaped).toEqual([]);
});
