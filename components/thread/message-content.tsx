"use client";
import type {
  Attachment,
  DecodedMessage,
  MultiRemoteAttachment,
  RemoteAttachment,
  Reply,
} from "@/lib/client";
import { linkify } from "@/components/format/linkify";
import { AttachmentView, RemoteAttachmentView } from "./attachment-view";
import { CT } from "./content-types";
import { MarkdownText } from "./markdown-text";
import { MultiAttachmentView } from "./multi-attachment-view";

type Props = {
  m: DecodedMessage;
  mine: boolean;
  linkClass: string;
};

/** The body of a bubble, by content type; anything unknown shows its fallback text. */
export function MessageContent({ m, mine, linkClass }: Props) {
  switch (m.contentType) {
    case CT.text:
      if (typeof m.content === "string") return <>{linkify(m.content, linkClass)}</>;
      break;
    case CT.markdown:
      if (typeof m.content === "string")
        return <MarkdownText text={m.content} linkClassName={linkClass} />;
      break;
    case CT.reply: {
      const reply = m.content as Reply | undefined;
      const inner = reply?.content;
      if (typeof inner === "string" && reply?.contentType === CT.markdown)
        return <MarkdownText text={inner} linkClassName={linkClass} />;
      if (typeof inner === "string") return <>{linkify(inner, linkClass)}</>;
      break;
    }
    case CT.attachment:
      return <AttachmentView attachment={m.content as Attachment} mine={mine} />;
    case CT.remoteAttachment:
      return <RemoteAttachmentView remote={m.content as RemoteAttachment} mine={mine} />;
    case CT.multiRemoteAttachment:
      if (m.content)
        return <MultiAttachmentView multi={m.content as MultiRemoteAttachment} mine={mine} />;
      break;
  }
  return <em className="opacity-80">{m.fallback ?? "This message can't be shown here."}</em>;
}

/** One line of a message, for reply quotes and previews. */
export function snippetOf(m: DecodedMessage): string {
  if (m.deleted) return "Deleted message";
  if (typeof m.content === "string") return m.content;
  const c = m.content as Partial<Reply & Attachment & RemoteAttachment> | undefined;
  if (m.contentType === CT.reply && typeof c?.content === "string") return c.content;
  if (m.contentType === CT.attachment || m.contentType === CT.remoteAttachment)
    return `📎 ${c?.filename || "Attachment"}`;
  if (m.contentType === CT.multiRemoteAttachment) {
    const n = (m.content as MultiRemoteAttachment | undefined)?.attachments.length ?? 0;
    return `📎 ${n} files`;
  }
  return m.fallback ?? "Message";
}
