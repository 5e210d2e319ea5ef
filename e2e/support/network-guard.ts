import type { BrowserContext } from "@playwright/test";

const isLocal = (href: string) => {
  const url = new URL(href);
  const local = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  return local || url.protocol === "data:" || url.protocol === "blob:";
};

/**
 * Aborts, and records, every request that would leave the machine: the app must
 * work with nothing but its own origin.
 */
export async function guardNetwork(context: BrowserContext): Promise<string[]> {
  const escaped: string[] = [];
  await context.route("**/*", (route) => {
    if (isLocal(route.request().url())) return route.continue();
    escaped.push(route.request().url());
    return route.abort();
  });
  return escaped;
}

/**
 * Records, without holding them, the requests that would leave the machine. For the
 * benchmarks: route() pauses every request for a round trip to Playwright (3 ms at the
 * median here, tens of ms at the tail), a cost no user pays; the list must still be empty.
 */
export function watchNetwork(context: BrowserContext): string[] {
  const escaped: string[] = [];
  context.on("request", (req) => {
    if (!isLocal(req.url())) escaped.push(req.url());
  });
  return escaped;
}
