// Several files in one message: XMTP's multiRemoteStaticAttachment:1.0. Every file is
// encrypted with its own key and uploaded like a single remote attachment (even a small one:
// the type only carries remote files), then ONE message names them all. Nothing is uploaded
// before every file has passed the size check, so a refusal names the file and costs nothing.
import {
  ContentTypeMultiRemoteAttachment,
  type Attachment,
  type RemoteAttachment,
} from "../../content";
import type { ClientContext } from "../context";
import { ClientError } from "../errors";
import type { DecodedMessage } from "../types";
import {
  checkAttachmentFile,
  sendAttachment,
  uploadEncrypted,
  type SendAttachmentOptions,
} from "./attachments";
import { MAX_FILES_PER_MESSAGE } from "./file-limits";
import { sendContent } from "./send";

export async function sendAttachments(
  ctx: ClientContext,
  conversationId: string,
  files: Attachment[],
  opts: SendAttachmentOptions = {},
): Promise<DecodedMessage> {
  if (!Array.isArray(files) || files.length === 0)
    throw new ClientError("invalid_argument", "pick at least one file to send");
  if (files.length > MAX_FILES_PER_MESSAGE)
    throw new ClientError(
      "invalid_argument",
      `${files.length} files picked; one message carries at most ${MAX_FILES_PER_MESSAGE}`,
    );
  files.forEach(checkAttachmentFile);
  // One file keeps the single-file types (inline under 1 MB): every XMTP app reads those.
  if (files.length === 1) return sendAttachment(ctx, conversationId, files[0]!, opts);

  // Progress over all files: the ciphertext is the plaintext plus a small overhead, so the
  // plaintext sizes weigh each file's share closely enough.
  const total = files.reduce((n, f) => n + f.data.length, 0);
  let done = 0;
  const attachments: RemoteAttachment[] = [];
  for (const file of files) {
    const share = file.data.length;
    attachments.push(
      await uploadEncrypted(ctx, file, {
        ...(opts.signal ? { signal: opts.signal } : {}),
        onProgress: (sent, of) => opts.onProgress?.(done + (of ? (sent / of) * share : 0), total),
      }),
    );
    done += share;
    opts.onProgress?.(done, total);
  }
  return sendContent(ctx, conversationId, ContentTypeMultiRemoteAttachment, { attachments });
}
