import type { MessageRow } from "../../storage";
import { nsFromKey } from "../../storage";
import type { CodecRegistry, DecodedContent } from "../../content";
import type { DecodedMessage } from "../types";

/** A stored row → what views see. Content that no longer decodes shows as an error text, not a crash. */
export async function decodeRow(codecs: CodecRegistry, row: MessageRow): Promise<DecodedMessage> {
  const base = {
    id: row.id,
    conversationId: row.conversationId,
    senderInboxId: row.senderInboxId,
    sentAtNs: nsFromKey(row.sentAtNs),
    contentType: row.contentType,
    status: row.status,
    ...(row.expiresAtNs ? { expiresAtNs: nsFromKey(row.expiresAtNs) } : {}),
  };
  // Deleted for everyone: nothing of the content is left to decode.
  if (row.deleted)
    return {
      ...base,
      content: undefined,
      shouldPush: false,
      deleted: { atNs: nsFromKey(row.deleted.atNs), byAdmin: row.deleted.byAdmin },
    };
  try {
    const decoded = await codecs.decodeBytes(row.encodedContent);
    return {
      ...base,
      content: decoded.content,
      shouldPush: shouldPushOf(codecs, decoded),
      ...(decoded.fallback !== undefined ? { fallback: decoded.fallback } : {}),
    };
  } catch (err) {
    return {
      ...base,
      content: undefined,
      shouldPush: false,
      fallback: `This message could not be shown (${(err as Error).message})`,
    };
  }
}

/** Unknown types push when they carry a fallback a person can read. */
export function shouldPushOf(codecs: CodecRegistry, d: DecodedContent): boolean {
  if (!d.known) return d.fallback !== undefined;
  return codecs.codecFor(d.contentType)?.shouldPush(d.content) ?? false;
}

/** A short text for the conversation list: the words, or what kind of thing was sent. */
export function previewOf(content: unknown, fallback?: string): string | undefined {
  const text = previewText(content) ?? fallback;
  return text === undefined ? undefined : text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

function previewText(content: unknown): string | undefined {
  if (typeof content === "string") return content;
  const c = content as { content?: unknown; mimeType?: unknown; url?: unknown; filename?: unknown };
  if (!c || typeof c !== "object") return undefined;
  if ("reference" in c && "contentType" in c) return previewText(c.content); // a reply
  const several = (c as { attachments?: unknown }).attachments;
  if (Array.isArray(several)) return filesPreview(several as { filename?: unknown }[]);
  if (typeof c.mimeType === "string" || typeof c.url === "string") {
    const kind =
      typeof c.mimeType === "string" && c.mimeType.startsWith("image/") ? "Photo" : "File";
    return typeof c.filename === "string" && c.filename ? `📎 ${c.filename}` : `📎 ${kind}`;
  }
  return undefined;
}

/** Several files in one message: "📎 3 files: a.png, b.pdf, c.txt". */
function filesPreview(files: { filename?: unknown }[]): string {
  const names = files
    .map((f) => (typeof f?.filename === "string" ? f.filename : ""))
    .filter((n) => n !== "");
  const count = `📎 ${files.length} files`;
  return names.length ? `${count}: ${names.join(", ")}` : count;
}
