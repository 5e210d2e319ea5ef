// What the crash tests share: the driver page's bundle, and a browser on a persistent profile
// that is SIGKILLed when the client in it reports the step the test chose (commit-driver.page.ts).
import { join } from "node:path";
import { build } from "esbuild";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { startBrowser } from "./killable-browser";

/** The driver page, bundled for the browser (served from memory by startBrowser). */
export async function driverBundle(): Promise<string> {
  const out = await build({
    entryPoints: [join(import.meta.dirname, "commit-driver.page.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "error",
  });
  return out.outputFiles[0]!.text;
}

export interface CrashPage {
  pageUrl: string;
  bundle: string;
}

/**
 * Runs `job` in a browser on `profile` that is SIGKILLed when the client calls the page's
 * `hook` (commitStep, sendStep) with `step`; the job must not finish first.
 */
export async function killedAt<S extends string>(
  at: CrashPage,
  hook: "commitStep" | "sendStep",
  step: S,
  profile: string,
  job: (page: Page) => Promise<unknown>,
): Promise<void> {
  const browser = await startBrowser(profile, at.pageUrl, at.bundle);
  const seen: S[] = [];
  const killed = new Promise<string>((resolve) => {
    void browser.page.exposeFunction(hook, async (s: S) => {
      seen.push(s);
      if (s !== step) return;
      await browser.kill();
      resolve("killed");
      await new Promise(() => undefined); // the page is gone: never answer
    });
  });
  const running = job(browser.page).then(
    () => "finished",
    () => "killed",
  );
  expect(await Promise.race([killed, running])).toBe("killed");
  expect(seen.at(-1)).toBe(step);
}

/** Runs `job` in a browser on `profile`, closed normally afterwards. */
export async function inBrowser<T>(
  at: CrashPage,
  profile: string,
  job: (page: Page) => Promise<T>,
): Promise<T> {
  const browser = await startBrowser(profile, at.pageUrl, at.bundle);
  try {
    return await job(browser.page);
  } finally {
    await browser.close();
  }
}
