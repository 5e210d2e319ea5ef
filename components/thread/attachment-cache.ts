import type { Attachment, RemoteAttachment } from "@/lib/client";

export type AttachmentLoader = (remote: RemoteAttachment) => Promise<Attachment>;

/**
 * Decrypted remote attachments for this page's life: scrolling back does not download
 * and decrypt the same file again. A failed load is forgotten, so Retry fetches anew.
 */
export function createAttachmentCache() {
  const jobs = new Map<string, Promise<Attachment>>();
  return {
    load(remote: RemoteAttachment, fetchAndDecrypt: AttachmentLoader): Promise<Attachment> {
      const key = remote.url;
      let job = jobs.get(key);
      if (!job) {
        job = fetchAndDecrypt(remote);
        jobs.set(key, job);
        job.catch(() => jobs.delete(key));
      }
      return job;
    },
  };
}
