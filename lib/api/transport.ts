import type { Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";

/**
 * One fetch-based Connect transport for the browser and Node alike (binary
 * protobuf on the wire). An empty apiUrl means "this page's origin".
 */
export function createNodeTransport(
  apiUrl: string,
  fetchImpl?: typeof fetch,
  headers?: () => Record<string, string>,
): Transport {
  const baseUrl = apiUrl === "" && typeof location !== "undefined" ? location.origin : apiUrl;
  if (!/^https?:\/\//.test(baseUrl)) {
    throw new TypeError(`apiUrl must be an http(s) URL, got ${JSON.stringify(apiUrl)}`);
  }
  return createConnectTransport({
    baseUrl: baseUrl.replace(/\/+$/, ""),
    useBinaryFormat: true,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
    interceptors: headers
      ? [
          (next) => (req) => {
            for (const [k, v] of Object.entries(headers())) req.header.set(k, v);
            return next(req);
          },
        ]
      : [],
  });
}
