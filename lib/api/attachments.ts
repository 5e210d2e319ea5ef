// The node's attachment store over plain HTTP (browser and Node): upload an
// encrypted blob, get back its URL; download a blob and check it against the
// digest it was announced with. The node is untrusted: both directions verify
// SHA-256 here, so a node (or anyone on the path) cannot swap the bytes.
import { sha256, toHex } from "../crypto";
import { ApiError, type ApiErrorCode } from "./errors";
import { withRetry, type RetryOptions } from "./retry";

const UPLOAD = "UploadAttachment";
const DOWNLOAD = "DownloadAttachment";

export interface UploadedAttachment {
  /** Where peers fetch the blob (the node's PUBLIC_URL, else the address it was sent to). */
  url: string;
  /** SHA-256 of the bytes, lowercase hex: checked against what was sent. */
  digest: string;
  size: number;
}

export interface UploadOptions extends RetryOptions {
  /**
   * Upload progress. In a browser this comes from XMLHttpRequest as bytes go out;
   * where only fetch exists (Node) it is called once at 0 and once at `total`.
   * A retry starts again from 0.
   */
  onProgress?(sent: number, total: number): void;
  /** Stops the upload: the promise rejects with ApiError "canceled". */
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Sent as x-inbox-id, so the node budgets this user apart from others on one address. */
  inboxId?: string;
}

export interface DownloadOptions extends RetryOptions {
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** Refuse a body longer than this (the announced size, or a local cap). */
  maxBytes?: number;
}

interface RawResponse {
  status: number;
  text: string;
  retryAfter: string | null;
}

const DIGEST_RE = /^[0-9a-f]{64}$/;

function resolveBase(baseUrl: string): string {
  const base = baseUrl === "" && typeof location !== "undefined" ? location.origin : baseUrl;
  if (!/^https?:\/\//.test(base)) {
    throw new ApiError(
      "invalid_argument",
      `${UPLOAD}: baseUrl must be an http(s) URL (or "" in a browser), got ${JSON.stringify(baseUrl)}`,
      false,
    );
  }
  return base.replace(/\/+$/, "");
}

const canceled = (rpc: string, cause?: unknown) =>
  new ApiError("canceled", `${rpc}: canceled`, false, undefined, cause);

const unreachable = (rpc: string, url: string, cause: unknown) =>
  new ApiError(
    "unavailable",
    `${rpc}: cannot reach ${url}: ${cause instanceof Error ? cause.message : String(cause)}`,
    true,
    undefined,
    cause,
  );

/** An HTTP refusal as an ApiError; the node's JSON body carries {code, message}. */
function httpError(rpc: string, res: RawResponse): ApiError {
  let message = `HTTP ${res.status}`;
  try {
    const body = JSON.parse(res.text) as { message?: unknown };
    if (typeof body.message === "string" && body.message) message = body.message;
  } catch {
    // not JSON (a proxy's page): keep the status
  }
  const seconds = res.retryAfter === null ? NaN : Number(res.retryAfter);
  const retryAfterMs = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
  const byStatus: Record<number, [ApiErrorCode, boolean]> = {
    400: ["invalid_argument", false],
    404: ["not_found", false],
    413: ["resource_exhausted", false], // too large: no retry will pass
    415: ["invalid_argument", false],
    // Busy: retry after the node's hint; without one it is not a budget to wait for.
    429: ["resource_exhausted", retryAfterMs !== undefined],
    503: ["unavailable", true],
  };
  // Content-addressed, so any other 5xx is safe to try again.
  const [code, retryable] =
    byStatus[res.status] ?? (res.status >= 500 ? ["internal", true] : ["unknown", false]);
  return new ApiError(code, `${rpc}: ${message}`, retryable, retryAfterMs);
}

function sendWithXhr(
  url: string,
  payload: Uint8Array,
  headers: Record<string, string>,
  onProgress: (sent: number, total: number) => void,
  signal?: AbortSignal,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const done = () => signal?.removeEventListener("abort", onAbort);
    xhr.open("POST", url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, payload.length);
    xhr.onload = () => {
      done();
      resolve({
        status: xhr.status,
        text: xhr.responseText,
        retryAfter: xhr.getResponseHeader("retry-after"),
      });
    };
    xhr.onerror = () => {
      done();
      reject(unreachable(UPLOAD, url, new Error("network error")));
    };
    xhr.onabort = () => {
      done();
      reject(canceled(UPLOAD));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    xhr.send(payload as Uint8Array<ArrayBuffer>);
  });
}

async function sendWithFetch(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  rpc: string,
): Promise<Response> {
  try {
    return await fetchImpl(url, init);
  } catch (err) {
    if (init.signal?.aborted) throw canceled(rpc, err);
    throw unreachable(rpc, url, err);
  }
}

/** Runs `attempt` with the API's retry policy; an abort anywhere becomes "canceled". */
async function retried<T>(rpc: string, attempt: () => Promise<T>, opts: RetryOptions): Promise<T> {
  if (opts.signal?.aborted) throw canceled(rpc, opts.signal.reason);
  try {
    return await withRetry(rpc, attempt, opts);
  } catch (err) {
    // withRetry throws ApiErrors, except the abort reason when aborted while waiting.
    if (!(err instanceof ApiError) && opts.signal?.aborted) throw canceled(rpc, err);
    throw err;
  }
}

/**
 * POSTs `payload` (ciphertext) to the node at `baseUrl` ("" = this page's origin),
 * retrying busy or unreachable nodes (429 honours retry-after). Rejects with an
 * ApiError: "resource_exhausted" naming both sizes when the blob is over the
 * node's limit, "canceled" on abort, "data_loss" when the node's answer does not
 * match the bytes sent.
 */
export async function uploadAttachment(
  baseUrl: string,
  payload: Uint8Array,
  opts: UploadOptions = {},
): Promise<UploadedAttachment> {
  const url = `${resolveBase(baseUrl)}/attachments`;
  if (payload.length === 0) {
    throw new ApiError("invalid_argument", `${UPLOAD}: attachment is empty (0 bytes)`, false);
  }
  const digest = toHex(sha256(payload));
  const total = payload.length;
  const headers: Record<string, string> = { "content-type": "application/octet-stream" };
  if (opts.inboxId) headers["x-inbox-id"] = opts.inboxId;
  const useXhr = !!opts.onProgress && !opts.fetch && typeof XMLHttpRequest !== "undefined";

  const attempt = async (): Promise<RawResponse> => {
    if (useXhr) return sendWithXhr(url, payload, headers, opts.onProgress!, opts.signal);
    opts.onProgress?.(0, total);
    const res = await sendWithFetch(
      opts.fetch ?? fetch,
      url,
      {
        method: "POST",
        headers,
        body: payload as Uint8Array<ArrayBuffer>,
        signal: opts.signal,
      },
      UPLOAD,
    );
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      if (opts.signal?.aborted) throw canceled(UPLOAD, err);
      throw unreachable(UPLOAD, url, err);
    }
    return { status: res.status, text, retryAfter: res.headers.get("retry-after") };
  };

  const res = await retried(
    UPLOAD,
    async () => {
      const r = await attempt();
      if (r.status !== 200 && r.status !== 201) throw httpError(UPLOAD, r);
      return r;
    },
    opts,
  );
  const stored = checkUploadAnswer(res.text, digest, total);
  opts.onProgress?.(total, total);
  return stored;
}

function checkUploadAnswer(text: string, digest: string, size: number): UploadedAttachment {
  let body: { digest?: unknown; url?: unknown; size?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new ApiError("internal", `${UPLOAD}: the node's answer is not JSON`, false);
  }
  if (body.digest !== digest || body.size !== size) {
    throw new ApiError(
      "data_loss",
      `${UPLOAD}: the node stored ${JSON.stringify(body.size)} bytes with SHA-256 ` +
        `${JSON.stringify(body.digest)}, but ${size} bytes with SHA-256 ${digest} were sent`,
      false,
    );
  }
  if (
    typeof body.url !== "string" ||
    !/^https?:\/\//.test(body.url) ||
    !body.url.endsWith(`/attachments/${digest}`)
  ) {
    throw new ApiError(
      "internal",
      `${UPLOAD}: the node answered an unusable URL ${JSON.stringify(body.url)}`,
      false,
    );
  }
  return { url: body.url, digest, size };
}

/**
 * GETs the blob at `url` and returns its bytes only if their SHA-256 is
 * `expectedDigest` (hex): verify before decrypting. Rejects with ApiError
 * "data_loss" on a mismatch, "not_found" for 404, "canceled" on abort.
 */
export async function downloadAttachment(
  url: string,
  expectedDigest: string,
  opts: DownloadOptions = {},
): Promise<Uint8Array> {
  if (!/^https?:\/\//.test(url)) {
    throw new ApiError(
      "invalid_argument",
      `${DOWNLOAD}: url must be http(s), got ${JSON.stringify(url)}`,
      false,
    );
  }
  const want = expectedDigest.toLowerCase();
  if (!DIGEST_RE.test(want)) {
    throw new ApiError(
      "invalid_argument",
      `${DOWNLOAD}: expected digest must be 64 hex characters, got ${JSON.stringify(expectedDigest)}`,
      false,
    );
  }
  const bytes = await retried(
    DOWNLOAD,
    async () => {
      const res = await sendWithFetch(
        opts.fetch ?? fetch,
        url,
        { method: "GET", signal: opts.signal },
        DOWNLOAD,
      );
      if (res.status !== 200) {
        throw httpError(DOWNLOAD, {
          status: res.status,
          text: await res.text().catch(() => ""),
          retryAfter: res.headers.get("retry-after"),
        });
      }
      return readBody(res, url, opts);
    },
    opts,
  );
  const got = toHex(sha256(bytes));
  if (got !== want) {
    throw new ApiError(
      "data_loss",
      `${DOWNLOAD}: ${url} served ${bytes.length} bytes with SHA-256 ${got}, not ${want}`,
      false,
    );
  }
  return bytes;
}

async function readBody(res: Response, url: string, opts: DownloadOptions): Promise<Uint8Array> {
  const max = opts.maxBytes ?? Number.MAX_SAFE_INTEGER;
  const declared = Number(res.headers.get("content-length") ?? NaN);
  const tooBig = (n: number) =>
    new ApiError(
      "resource_exhausted",
      `${DOWNLOAD}: ${url} is ${n} bytes; the limit is ${max} bytes`,
      false,
    );
  if (declared > max) {
    await res.body?.cancel().catch(() => undefined);
    throw tooBig(declared);
  }
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > max) {
        await reader.cancel().catch(() => undefined);
        throw tooBig(size);
      }
      parts.push(value);
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (opts.signal?.aborted) throw canceled(DOWNLOAD, err);
    throw unreachable(DOWNLOAD, url, err);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
