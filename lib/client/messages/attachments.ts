// Files in messages: small ones inline (attachment:1.0), the rest encrypted here, uploaded
// to the node's attachment store as opaque bytes, and sent as remoteStaticAttachment:1.0
// carrying the URL and the key. The node never sees a key or a filename.
import { uploadAttachment, ApiError } from "../../api";
import {
  attachmentFitsInline,
  ContentError,
  ContentTypeAttachment,
  ContentTypeRemoteAttachment,
  encryptAttachment,
  loadRemoteAttachment,
  remoteAttachmentFor,
  type Attachment,
  type RemoteAttachment,
} from "../../content";
import type { ClientContext } from "../context";
import { ClientError } from "../errors";
import { sendContent } from "./send";
import type { DecodedMessage } from "../types";

/** The node's default cap (25 MiB) plus the AES-GCM tag: nothing bigger is fetched. */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
const MAX_PAYLOAD_BYTES = MAX_ATTACHMENT_BYTES + 64 * 1024;

export interface SendAttachmentOptions {
  /** Bytes of ciphertext uploaded so far (remote attachments only). */
  onProgress?(sent: number, total: number): void;
  /** Cancels the upload; the promise rejects with ClientError "canceled". */
  signal?: AbortSignal;
}

/** Refuses an empty file or one over the limit, naming it. */
export function checkAttachmentFile(file: Attachment): void {
  if (file.data.length === 0)
    throw new ClientError("invalid_argument", `${file.filename ?? "the file"} is empty (0 bytes)`);
  if (file.data.length > MAX_ATTACHMENT_BYTES)
    throw new ClientError(
      "invalid_argument",
      `${file.filename ?? "the file"} is ${file.data.length} bytes; the most one message can carry is ${MAX_ATTACHMENT_BYTES}`,
    );
}

/** Encrypts one file, uploads the ciphertext to the node, and says where it is and its key. */
export async function uploadEncrypted(
  ctx: ClientContext,
  file: Attachment,
  opts: SendAttachmentOptions,
): Promise<RemoteAttachment> {
  const encrypted = await encryptAttachment(file);
  let uploaded;
  try {
    uploaded = await uploadAttachment(ctx.apiUrl, encrypted.payload, {
      inboxId: ctx.installation.inboxId,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
    });
  } catch (err) {
    if (err instanceof ApiError && err.code === "canceled")
      throw new ClientError("canceled", "the upload was canceled", false, err);
    throw new ClientError(
      "upload_failed",
      `could not upload ${file.filename ?? "the file"}: ${(err as Error).message}`,
      err instanceof ApiError ? err.retryable : true,
      err,
    );
  }
  return remoteAttachmentFor(encrypted, uploaded.url, file.filename);
}

export async function sendAttachment(
  ctx: ClientContext,
  conversationId: string,
  file: Attachment,
  opts: SendAttachmentOptions = {},
): Promise<DecodedMessage> {
  checkAttachmentFile(file);
  if (attachmentFitsInline(file))
    return sendContent(ctx, conversationId, ContentTypeAttachment, file);
  const remote = await uploadEncrypted(ctx, file, opts);
  return sendContent(ctx, conversationId, ContentTypeRemoteAttachment, remote);
}

/**
 * Fetches a remote attachment, checks its length and SHA-256 against what the sender
 * announced BEFORE decrypting, and decrypts it. Plain http only to this machine (development).
 */
export async function loadAttachment(
  ctx: ClientContext,
  remote: RemoteAttachment,
  opts: { signal?: AbortSignal } = {},
): Promise<Attachment> {
  try {
    return await loadRemoteAttachment(remote, {
      maxBytes: MAX_PAYLOAD_BYTES,
      allowInsecure: true,
      ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    if (err instanceof ContentError)
      throw new ClientError("attachment_unavailable", err.message, err.retryable, err);
    throw err;
  }
}
