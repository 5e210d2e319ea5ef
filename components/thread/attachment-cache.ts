import type { Attachment, RemoteAttachment } from "@/lib/client";

export type AttachmentLoader = (remote: RemoteAttachment) => Promise<Attachment>;

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/**
 * What a message's attachment IS, not where it lives: the digest of the encrypted bytes
 * and the keys that open them. Keyed by URL, a second message naming the same URL with
 * another digest (a stranger's, or after the host swapped the file) would show the cached
 * picture without any check; keyed by digest alone, knowing a digest would be enough.
 */
export function contentKey(remote: RemoteAttachment): string {
  return [
    remote.contentDigest.toLowerCase(),
    hex(remote.secret),
    hex(remote.salt),
    hex(remote.nonce),
  ].join(":");
}

/**
 * Decrypted remote attachments for this page's life: scrolling back does not download
 * and decrypt the same file again. A failed load is forgotten, so Retry fetches anew.
 */
export function createAttachmentCache() {
  const jobs = new Map<string, Promise<Attachment>>();
  return {
    load(remote: RemoteAttachment, fetchAndDecrypt: AttachmentLoader): Promise<Attachment> {
      const key = contentKey(remote);
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
