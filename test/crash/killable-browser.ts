// A Chromium this test starts itself (not through Playwright's launcher) so that it knows
// the process and can SIGKILL it — the whole process group, browser and renderers at once,
// as a crash or an OOM kill would — and start it again on the same profile directory,
// whose IndexedDB then holds exactly what had been committed to disk.
import { spawn, type ChildProcess } from "node:child_process";
import { chromium, type Browser, type Page } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--remote-debugging-port=0",
];

export interface KillableBrowser {
  page: Page;
  /** SIGKILL to the browser's process group; resolves once the browser process is gone. */
  kill(): Promise<void>;
  /** A normal shutdown (the profile is flushed as on any clean exit). */
  close(): Promise<void>;
}

/** SIGKILL to a Chromium's whole process group. */
function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // already gone
  }
}

/**
 * Chromium on `profileDir`, connected over CDP. Once connected, Playwright still waits for
 * the browser's first targets: on 2 loaded cores that took over 30 s once, and once (in 5
 * clean-clone runs of the suite) it never came within 90 s; that Chromium is killed and a
 * new one started on the same profile, as the test's own restarts do (no page has opened
 * the profile's storage yet).
 */
async function launch(
  profileDir: string,
  attempts = 2,
): Promise<{ child: ChildProcess; exited: Promise<void>; browser: Browser }> {
  const child: ChildProcess = spawn(CHROMIUM, [...ARGS, `--user-data-dir=${profileDir}`], {
    detached: true, // its own process group: kill(-pid) reaches every Chromium process
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ws = await new Promise<string>((resolve, reject) => {
    let err = "";
    const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${err}`)), 30_000);
    child.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once("exit", () => reject(new Error(`Chromium exited: ${err}`)));
  });
  try {
    const browser = await chromium.connectOverCDP(ws, { timeout: 60_000 });
    return { child, exited, browser };
  } catch (err) {
    killGroup(child);
    await exited;
    if (attempts <= 1) throw err;
    return launch(profileDir, attempts - 1);
  }
}

/**
 * Starts Chromium on `profileDir` and opens `pageUrl` (on the node's origin, a secure
 * context), answering it and the bundle from memory.
 */
export async function startBrowser(
  profileDir: string,
  pageUrl: string,
  bundle: string,
): Promise<KillableBrowser> {
  const { child, exited, browser } = await launch(profileDir);
  const context = browser.contexts()[0]!;
  const page = await context.newPage();
  const origin = new URL(pageUrl).origin;
  await page.route(`${origin}/__crash/**`, (route) => {
    const url = route.request().url();
    if (url.endsWith(".js")) return route.fulfill({ contentType: "text/javascript", body: bundle });
    return route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><script type="module" src="/__crash/driver.js"></script>`,
    });
  });
  await page.goto(pageUrl);
  await page.waitForFunction(() => "crashDriver" in window);
  return {
    page,
    kill: async () => {
      killGroup(child);
      await exited;
    },
    close: async () => {
      await browser.close().catch(() => undefined);
      child.kill("SIGTERM");
      await exited;
    },
  };
}
