import type { BrowserContext } from "@playwright/test";

/**
 * Aborts, and records, every request that would leave the machine: the app must
 * work with nothing but its own origin.
 */
export async function guardNetwork(context: BrowserContext): Promise<string[]> {
  const escaped: string[] = [];
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    const local = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
    if (local || url.protocol === "data:" || url.protocol === "blob:") return route.continue();
    escaped.push(url.href);
    return route.abort();
  });
  return escaped;
}
