import { chromium, type BrowserContext } from "@playwright/test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CHROMIUM_ARGS } from "../playwright.config";

export const BASE_URL = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3107)}`;
/** A second node origin the app's CSP allows (CSP_CONNECT_SRC in the config): the lying-node proxy. */
export const OTHER_NODE_PORT = Number(process.env.E2E_PORT ?? 3107) + 1;
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

/**
 * A persistent (non-incognito) Chromium profile: what an installed app has — its
 * service worker, caches and IndexedDB survive reloads and count for installability.
 */
export async function launchInstalledProfile(viewport = DESKTOP): Promise<{
  context: BrowserContext;
  dispose: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), "messenger-profile-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    baseURL: BASE_URL,
    viewport,
  });
  return {
    context,
    dispose: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
