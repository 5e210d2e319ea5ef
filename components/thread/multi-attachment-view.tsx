"use client";
import type { MultiRemoteAttachment } from "@/lib/client";
import { looksLikeImageName, RemoteAttachmentView } from "./attachment-view";

/**
 * Several files in one message: pictures as a grid of square thumbnails (each opens and
 * downloads on its own), the other files as rows below, each with its own Download.
 */
export function MultiAttachmentView({
  multi,
  mine,
}: {
  multi: MultiRemoteAttachment;
  mine: boolean;
}) {
  const items = multi.attachments.map((remote, i) => ({
    remote,
    key: `${i}:${remote.contentDigest}`,
  }));
  const images = items.filter((it) => looksLikeImageName(it.remote.filename));
  const files = items.filter((it) => !looksLikeImageName(it.remote.filename));
  return (
    <div
      data-testid="attachments"
      data-count={items.length}
      className="flex w-72 max-w-full flex-col gap-2"
    >
      {images.length > 0 && (
        <div className={`grid gap-1 ${images.length === 1 ? "grid-cols-1" : "grid-cols-2"}`}>
          {images.map((it) => (
            <RemoteAttachmentView key={it.key} remote={it.remote} mine={mine} thumb />
          ))}
        </div>
      )}
      {files.map((it) => (
        <RemoteAttachmentView key={it.key} remote={it.remote} mine={mine} />
      ))}
    </div>
  );
}
