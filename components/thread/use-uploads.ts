"use client";
import { useCallback, useRef, useState } from "react";
import type { Client } from "@/lib/client";
import { isClientError } from "@/components/client/errors";

export interface Upload {
  id: number;
  name: string;
  size: number;
  /** 0..1 while going out; 1 once the message is stored. */
  progress: number;
  error?: string;
  /** Kept so a failed file can be tried again without picking it anew. */
  file: File;
}

/**
 * Files on their way into the conversation: read, sent (inline or encrypted + uploaded),
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
    async (id: number, file: File) => {
      const controller = new AbortController();
      controllers.current.set(id, controller);
      try {
        const c = await client.conversations.getById(conversationId);
        if (!c) throw new Error("conversation not found");
        const data = new Uint8Array(await file.arrayBuffer());
        await c.sendAttachment(
          { filename: file.name, mimeType: file.type || "application/octet-stream", data },
          {
            signal: controller.signal,
            onProgress: (sent, total) => patch(id, { progress: total ? sent / total : 0 }),
          },
        );
        drop(id);
      } catch (err) {
        if (isClientError(err, "canceled")) drop(id);
        else if (isClientError(err, "send_failed"))
          drop(id); // stored: the bubble has Retry
        else
          patch(id, {
            progress: 0,
            error: isClientError(err) ? err.message : "couldn't send this file",
          });
      } finally {
        controllers.current.delete(id);
      }
    },
    [client, conversationId],
  );

  const start = useCallback(
    (files: Iterable<File>) => {
      for (const file of files) {
        const id = nextId.current++;
        setUploads((list) => [
          ...list,
          { id, name: file.name, size: file.size, progress: 0, file },
        ]);
        void run(id, file);
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
    void run(u.id, u.file);
  };

  return { uploads, start, cancel, retry };
}
