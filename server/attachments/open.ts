// Picks the attachment backend from the config (ATTACHMENTS_STORE).
import type { AttachmentsConfig } from "../config";
import type { Driver } from "../store/driver";
import { FsAttachmentStore } from "./fs-store";
import { PgAttachmentStore } from "./pg-store";
import { S3AttachmentStore } from "./s3-store";
import type { AttachmentStore } from "./store";

export async function openAttachmentStore(
  config: AttachmentsConfig,
  db: Driver,
): Promise<AttachmentStore> {
  switch (config.store) {
    case "fs":
      return FsAttachmentStore.open(config.dir);
    case "postgres":
      return PgAttachmentStore.open(db, config.dir);
    case "s3":
      if (!config.s3) throw new Error("ATTACHMENTS_STORE=s3 without its S3 settings");
      return S3AttachmentStore.open(config.s3, config.dir);
  }
}
