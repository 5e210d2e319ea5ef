"use client";
import { useEffect, useRef, useState, type RefObject } from "react";
import type { Attachment, RemoteAttachment } from "@/lib/client";
import { useClient } from "@/components/client/client-context";
import { isClientError } from "@/components/client/errors";
import { AlertIcon, DownloadIcon, FileIcon } from "@/components/ui/icons";
import { Spinner } from "@/components/ui/spinner";
import { createAttachmentCache } from "./attachment-cache";
import { formatBytes } from "./format-bytes";
import { useRemoteImagesAutoLoad } from "./remote-images";

// Raster formats only: an SVG is a document (it can carry script), never previewed.
const PREVIEWABLE = /^image\/(png|jpe?g|gif|webp|avif)$/i;

const loaded = createAttachmentCache();

/** A remote file is shown as a picture when its name says so (its type is inside the ciphertext). */
export function looksLikeImageName(filename: string | undefined): boolean {
  return /\.(png|jpe?g|gif|webp|avif)$/i.test(filename ?? "");
}

/**
 * Points elements at a blob: URL of the bytes, made and revoked with the element's life
 * (set through refs: the URL is an external resource, not React state).
 */
function useBlobUrl(a: Attachment, type: string) {
  const img = useRef<HTMLImageElement>(null);
  const link = useRef<HTMLAnchorElement>(null);
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([a.data as BlobPart], { type }));
    if (img.current) img.current.src = url;
    if (link.current) link.current.href = url;
    return () => URL.revokeObjectURL(url);
  }, [a, type]);
  return { img, link };
}

/** A file someone sent: an image preview, or a chip with name, size and Download. */
export function AttachmentView({
  attachment: a,
  mine,
  thumb = false,
}: {
  attachment: Attachment;
  mine: boolean;
  /** A square tile in a grid of several files, not the full-width picture. */
  thumb?: boolean;
}) {
  const preview = PREVIEWABLE.test(a.mimeType);
  // Files that are not previewed download as opaque bytes, whatever type they claim.
  const { img, link } = useBlobUrl(a, preview ? a.mimeType : "application/octet-stream");
  const name = a.filename || (preview ? "image" : "file");
  if (preview)
    return (
      <a
        ref={link}
        download={name}
        data-testid="attachment"
        data-kind="image"
        title={`${name} · ${formatBytes(a.data.length)}`}
        className="block"
      >
        {/* eslint-disable-next-line @next/next/no-img-element -- a decrypted blob: URL */}
        <img
          ref={img}
          alt={name}
          className={
            thumb
              ? "aspect-square w-full rounded-lg object-cover"
              : "max-h-72 max-w-full rounded-xl object-contain"
          }
          data-testid="attachment-image"
        />
      </a>
    );
  return <FileChip name={name} size={a.data.length} linkRef={link} mine={mine} />;
}

function FileChip({
  name,
  size,
  linkRef,
  mine,
  onDownload,
  busy,
}: {
  name: string;
  size?: number;
  linkRef?: RefObject<HTMLAnchorElement | null>;
  mine: boolean;
  onDownload?: () => void;
  busy?: boolean;
}) {
  const body = (
    <>
      <span
        className={`flex h-10 w-10 shrink-0 items-center justify-center rounded-lg ${mine ? "bg-white/20" : "bg-white dark:bg-zinc-700"}`}
      >
        <FileIcon />
      </span>
      <span className="min-w-0 flex-1">
        <span data-testid="attachment-name" className="block truncate text-sm font-medium">
          {name}
        </span>
        {size !== undefined && (
          <span className="block text-xs opacity-75">{formatBytes(size)}</span>
        )}
      </span>
      {busy ? <Spinner /> : <DownloadIcon />}
    </>
  );
  const cls = "flex w-64 max-w-full items-center gap-3 rounded-xl py-1 text-left";
  return linkRef ? (
    <a ref={linkRef} download={name} data-testid="attachment" data-kind="file" className={cls}>
      {body}
    </a>
  ) : (
    <button
      type="button"
      data-testid="attachment"
      data-kind="file"
      className={cls}
      onClick={onDownload}
      disabled={busy}
    >
      {body}
    </button>
  );
}

/**
 * A file sent by URL: fetched, checked (length, digest) and decrypted here. Images load at
 * once; other files on request. Any failure shows on this message, with Retry.
 */
export function RemoteAttachmentView({
  remote,
  mine,
  thumb = false,
}: {
  remote: RemoteAttachment;
  mine: boolean;
  /** A square tile in a grid of several files (see AttachmentView). */
  thumb?: boolean;
}) {
  const { client } = useClient();
  const looksLikeImage = looksLikeImageName(remote.filename);
  // Fetching reveals the reader to the host the sender chose: only for accepted
  // conversations (and one's own messages); otherwise on an explicit tap.
  const allowed = useRemoteImagesAutoLoad();
  const autoLoad = looksLikeImage && (mine || allowed);
  const [state, setState] = useState<
    | { kind: "idle" }
    | { kind: "loading" }
    | { kind: "ready"; a: Attachment }
    | { kind: "error"; message: string }
  >(autoLoad ? { kind: "loading" } : { kind: "idle" });

  // Starts (or joins) the download; only its outcome sets state.
  const fetchIt = (save: boolean) => {
    loaded
      .load(remote, (r) => client.loadAttachment(r))
      .then(
        (a) => {
          setState({ kind: "ready", a });
          if (save) saveFile(a, remote.filename || "file");
        },
        (err: unknown) =>
          setState({
            kind: "error",
            message: isClientError(err) ? err.message : "the file could not be downloaded",
          }),
      );
  };
  const load = () => {
    setState({ kind: "loading" });
    fetchIt(!looksLikeImage);
  };

  useEffect(() => {
    if (autoLoad) fetchIt(false);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per attachment, or on accept
  }, [remote.contentDigest, autoLoad]);

  if (state.kind === "ready")
    return <AttachmentView attachment={state.a} mine={mine} thumb={thumb} />;
  if (state.kind === "error")
    return (
      <div data-testid="attachment-error" role="alert" className="flex items-start gap-2 text-sm">
        <AlertIcon className="mt-0.5 h-4 w-4 shrink-0" />
        <span>
          Couldn&apos;t open {remote.filename || "this file"}: {state.message}.{" "}
          <button type="button" className="font-semibold underline" onClick={load}>
            Retry
          </button>
        </span>
      </div>
    );
  if (looksLikeImage && state.kind === "idle" && !autoLoad)
    return (
      <div
        data-testid="remote-image-held"
        className={`flex ${thumb ? "w-full" : "w-56"} max-w-full flex-col items-start gap-2 rounded-xl bg-black/5 p-3 text-sm dark:bg-white/5`}
      >
        <span className="min-w-0 break-words">
          <span className="font-medium">{remote.filename}</span>
          {remote.contentLength !== undefined && (
            <span className="opacity-75"> · {formatBytes(remote.contentLength)}</span>
          )}
        </span>
        <span className="text-xs opacity-75">
          Not loaded: loading it shows the sender&apos;s file host your IP address.
        </span>
        <button
          type="button"
          data-testid="load-remote-image"
          className="rounded-full bg-white px-3 py-1.5 text-sm font-medium text-zinc-900 shadow-sm hover:bg-zinc-50 dark:bg-zinc-800 dark:text-zinc-100"
          onClick={load}
        >
          Load image
        </button>
      </div>
    );
  if (looksLikeImage)
    return (
      <div
        data-testid="attachment-loading"
        className={`flex ${thumb ? "aspect-square w-full" : "h-40 w-56"} items-center justify-center rounded-xl bg-black/5 dark:bg-white/5`}
      >
        <Spinner />
        <span className="sr-only">Decrypting image</span>
      </div>
    );
  return (
    <FileChip
      name={remote.filename || "file"}
      {...(remote.contentLength !== undefined ? { size: remote.contentLength } : {})}
      mine={mine}
      busy={state.kind === "loading"}
      onDownload={load}
    />
  );
}

/** Hands decrypted bytes to the browser's download, as opaque bytes. */
function saveFile(a: Attachment, name: string): void {
  const url = URL.createObjectURL(
    new Blob([a.data as BlobPart], { type: "application/octet-stream" }),
  );
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
