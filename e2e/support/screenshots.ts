import type { Page } from "@playwright/test";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DESKTOP, PHONE } from "./browser";

const DIR = fileURLToPath(new URL("../screenshots/", import.meta.url));
/** The README's gallery: these screens are also written to docs/screenshots (committed), so
 * every local `npm test` keeps the pictures people see first current. */
const README_DIR = fileURLToPath(new URL("../../docs/screenshots/", import.meta.url));
const README_SCREENS = new Set([
  "connect",
  "conversations-with-items",
  "rich-reactions-reply",
  "group-info",
  "devices",
  "settings",
]);

/** Writes e2e/screenshots/<name>-<phone|desktop>.png at the page's current size. */
export async function shoot(page: Page, name: string): Promise<void> {
  const size = page.viewportSize();
  const label = size && size.width <= PHONE.width ? "phone" : "desktop";
  // Let transitions and fonts settle so the picture is what a person sees.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(DIR, `${name}-${label}.png`) });
  if (README_SCREENS.has(name))
    await page.screenshot({ path: join(README_DIR, `${name}-${label}.png`) });
}

/** Shoots `name` at phone and at desktop size, then restores the original size. */
export async function shootBoth(
  page: Page,
  name: string,
  prepare?: () => Promise<void>,
): Promise<void> {
  const original = page.viewportSize() ?? DESKTOP;
  for (const size of [PHONE, DESKTOP]) {
    await page.setViewportSize(size);
    if (prepare) await prepare();
    await shoot(page, name);
  }
  await page.setViewportSize(original);
}
