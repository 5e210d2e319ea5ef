"use client";
import { useCallback, useRef, useState } from "react";
import type { Attachment, Client } from "@/lib/client";
import { MAX_FILES_PER_MESSAGE } from "@/lib/client/messages/file-limits";
import { isClientError } from "@/components/client/errors";

export interface Upload {
  id: number;
  name: string;
  size: number;
  /** 0..1 while going out; 1 once the message is stored. */
  progress: number;
  error?: string;
  /** Kept so failed files can be tried again without picking them anew. */
  files: File[];
}

/** Files picked together go as one message, ten at most per message. */
function batches(files: File[]): File[][] {
  const out: File[][] = [];
  for (let i = 0; i < files.length; i += MAX_FILES_PER_MESSAGE)
    out.push(files.slice(i, i + MAX_FILES_PER_MESSAGE));
  return out;
}

async function read(file: File): Promise<Attachment> {
  const data = new Uint8Array(await file.arrayBuffer());
  return { filename: file.name, mimeType: file.type || "application/octet-stream", data };
}

/**
 * Files on their way into the conversation: read, sent (one file inline or encrypted +
 * uploaded; several picked together as one message, each encrypted + uploaded),
 * with progress and cancel. A failure stays in the tray with Retry — nothing picked is lost.
 */
export function useUploads(client: Client, conversationId: string) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const controllers = useRef(new Map<number, AbortController>());
  const nextId = useRef(1);

  const patch = (id: number, p: Partial<Upload>) =>
    setUploads((list) => list.map((u) => (u.id === id ? { ...u, ...p } : u)));
  const drop = (id: number) => setUploads((list) => list.filter((u) => u.id !== id));

  const run = useCallback(
    async (id: number, files: File[]) => {
      const controller = new AbortController();
      controllers.current.set(id, controller);
      try {
        const c = await client.conversations.getById(conversationId);
        if (!c) throw new Error("conversation not found");
        // Several files picked together: ONE message (multiRemoteStaticAttachment:1.0).
        await c.sendAttachments(await Promise.all(files.map(read)), {
          signal: controller.signal,
          onProgress: (sent, total) => patch(id, { progress: total ? sent / total : 0 }),
        });
        drop(id);
      } catch (err) {
        if (isClientError(err, "canceled")) drop(id);
        else if (isClientError(err, "send_failed"))
          drop(id); // stored: the bubble has Retry
        else
          patch(id, {
            progress: 0,
            error: isClientError(err)
              ? err.message
              : files.length > 1
                ? "couldn't send these files"
                : "couldn't send this file",
          });
      } finally {
        controllers.current.delete(id);
      }
    },
    [client, conversationId],
  );

  const start = useCallback(
    (files: Iterable<File>) => {
      for (const batch of batches([...files])) {
        const id = nextId.current++;
        const name =
          batch.length === 1
            ? batch[0]!.name
            : `${batch.length} files: ${batch.map((f) => f.name).join(", ")}`;
        const size = batch.reduce((n, f) => n + f.size, 0);
        setUploads((list) => [...list, { id, name, size, progress: 0, files: batch }]);
        void run(id, batch);
      }
    },
    [run],
  );

  const cancel = (id: number) => {
    const c = controllers.current.get(id);
    if (c) c.abort();
    else drop(id);
  };
  const retry = (u: Upload) => {
    patch(u.id, { error: undefined, progress: 0 });
    void run(u.id, u.files);
  };

  return { uploads, start, cancel, retry };
}
