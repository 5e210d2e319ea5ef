// What the XMTP SDK stories share (issue #15): the page bundled from e2e/xmtp-sdk-page,
// served on its own origin, an isolated Chromium, and one SDK user per browser context.
import { chromium, expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { generatePrivateKey } from "viem/accounts";
import { startNode, type StartedNode } from "../server/test/harness";
import { CHROMIUM_ARGS } from "./playwright.config";

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3107);
export const NODE_PORT = E2E_PORT + 2;
export const PAGE_PORT = E2E_PORT + 3;
export const NODE_URL = `http://127.0.0.1:${NODE_PORT}`;
export const PAGE_URL = `http://127.0.0.1:${PAGE_PORT}/`;
const ROOT = path.resolve(import.meta.dirname, "..");

/** The libxmtp node settings these stories need: SDK clients send no x-inbox-id, so every user on one address shares one stream budget. */
export const NODE_ENV = { PORT: String(NODE_PORT), STREAM_MAX_PER_CLIENT: "64" };

export interface User {
  name: string;
  context: BrowserContext;
  page: Page;
  escaped: string[];
  inboxId: string;
  installationId: string;
}

export async function buildPage(): Promise<string> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "xmtp-sdk-page-"));
  await new Promise<void>((resolve, reject) => {
    const vite = spawn(
      path.join(ROOT, "node_modules/.bin/vite"),
      ["build", "e2e/xmtp-sdk-page", "--outDir", out, "--emptyOutDir"],
      { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] },
    );
    let err = "";
    vite.stderr.on("data", (d: Buffer) => (err += d.toString()));
    vite.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build failed (${code}): ${err}`)),
    );
  });
  return out;
}

const MIME: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
};

export function servePage(dir: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? "/", PAGE_URL).pathname).replace(/^\/+/, "");
    const file = path.join(dir, rel || "index.html");
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": MIME[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(PAGE_PORT, "127.0.0.1", () => resolve(server)));
}

/**
 * Our own Chromium: nothing but 127.0.0.1 resolves, so no request can leave the machine,
 * and no request interception (context.route), which would bypass the CORS preflight the
 * SDK's calls must pass. Requests elsewhere are recorded from the context's events.
 */
export const launchIsolated = () =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [...CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
  });

export async function newUser(
  browser: Browser,
  name: string,
  privateKey: `0x${string}` = generatePrivateKey(),
): Promise<User> {
  const context = await browser.newContext();
  const escaped: string[] = [];
  context.on("request", (r) => {
    const url = new URL(r.url());
    if (url.hostname !== "127.0.0.1" && !["data:", "blob:"].includes(url.protocol)) {
      escaped.push(url.href);
    }
  });
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error" || (process.env.XMTP_SDK_LOG && m.type() === "warning"))
      console.log(`[${name}] ${m.text()}`);
  });
  await page.goto(PAGE_URL);
  await expect(page.locator("#status")).toHaveText("ready");
  const { inboxId, installationId } = await page.evaluate(
    ([key, url]) => window.sdk.create(key as `0x${string}`, url!),
    [privateKey, NODE_URL],
  );
  return { name, context, page, escaped, inboxId, installationId };
}

/** One story's world: its own node (on its own data folder), the page served, one Chromium. */
export interface Story {
  node: StartedNode;
  dataDir: string;
  pageDir: string;
  pageServer: http.Server;
  browser: Browser;
  /** Starts the node again on the same data and port (after `node.stop()`). */
  startNode(): Promise<StartedNode>;
}

/** The first PGlite open is slow on a loaded machine (the app's web server starts alongside). */
export async function openStory(name: string): Promise<Story> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-node-`));
  const start = () => startNode({ dataDir, env: NODE_ENV, timeoutMs: 120_000 });
  const [pageDir, node] = await Promise.all([buildPage(), start()]);
  const pageServer = await servePage(pageDir);
  const browser = await launchIsolated();
  return { node, dataDir, pageDir, pageServer, browser, startNode: start };
}

/** Checks that no user's browser reached past 127.0.0.1, then tears everything down. */
export async function closeStory(story: Story | undefined, users: User[]): Promise<void> {
  for (const u of users) {
    expect(u.escaped, `${u.name}'s requests that left the machine`).toEqual([]);
    await u.context.close();
  }
  if (!story) return;
  await story.browser.close();
  await story.node.stop();
  await new Promise((r) => story.pageServer.close(r));
  for (const dir of [story.dataDir, story.pageDir])
    fs.rmSync(dir, { recursive: true, force: true });
}

/** An SDK user's text messages in a conversation, oldest first, after a sync. */
export const sdkTexts = (u: User, conversationId: string) =>
  u.page.evaluate((id) => window.sdk.texts(id), conversationId);

/** Just the texts, for polling. */
export const sdkSaid = async (u: User, conversationId: string) =>
  (await sdkTexts(u, conversationId)).map((m) => m.text);

export const sdkSend = (u: User, conversationId: string, text: string) =>
  u.page.evaluate(([id, t]) => window.sdk.send(id!, t!), [conversationId, text]);

/** Every message but membership lines (reactions folded in), after a sync. */
export const sdkMessages = (u: User, conversationId: string) =>
  u.page.evaluate((id) => window.sdk.messages(id), conversationId);

export const sdkMembers = (u: User, conversationId: string) =>
  u.page.evaluate((id) => window.sdk.memberInboxIds(id), conversationId);

/** Waits until each SDK user's libxmtp, syncing, lists exactly these members. */
export async function expectSdkMembers(users: User[], conversationId: string, expected: string[]) {
  for (const u of users) {
    await expect
      .poll(() => sdkMembers(u, conversationId), { timeout: 30_000, message: u.name })
      .toEqual(expected);
  }
}

/** Waits until the conversation's welcome arrived by sync and the SDK lists it. */
export async function joinedBySync(u: User, conversationId: string): Promise<void> {
  await expect
    .poll(() => u.page.evaluate(() => window.sdk.syncAll()), {
      timeout: 30_000,
      message: u.name,
    })
    .toContain(conversationId);
}
