import { createKeyPackage, MUTABLE_METADATA_EXTENSION_TYPE, parseKeyPackage } from "../../mls";
import { currentKeyPackage, putKeyPackage, type StoredKeyPackage } from "../../storage";
import type { ClientContext } from "../context";

const ROTATE_AFTER_NS = 30n * 24n * 3600n * 1_000_000_000n;
const nowNs = () => BigInt(Date.now()) * 1_000_000n;

/** Makes, stores (private part sealed) and uploads a fresh key package. */
export async function rotateKeyPackage(ctx: ClientContext): Promise<StoredKeyPackage> {
  const created = await createKeyPackage(ctx.installation);
  const kp = {
    publicBytes: created.keyPackageBytes,
    privateBytes: created.privateBytes,
    createdAtNs: nowNs(),
  };
  const ref = await putKeyPackage(ctx.db, kp);
  await ctx.api.uploadKeyPackage(created.keyPackageBytes);
  return { ref, ...kp };
}

/** Ensures the node holds a key package of ours no older than 30 days. */
export async function ensureKeyPackage(ctx: ClientContext): Promise<void> {
  const current = await currentKeyPackage(ctx.db);
  if (
    !current ||
    nowNs() - current.createdAtNs > ROTATE_AFTER_NS ||
    !groupCapable(current.publicBytes)
  ) {
    await rotateKeyPackage(ctx);
    return;
  }
  const [onNode] = await ctx.api.fetchKeyPackages([ctx.installation.publicKey]);
  if (!onNode) await ctx.api.uploadKeyPackage(current.publicBytes);
}

/** Key packages made before groups lack the group extensions (0xff00..) and cannot be added to one. */
function groupCapable(bytes: Uint8Array): boolean {
  try {
    return parseKeyPackage(bytes).keyPackage.leafNode.capabilities.extensions.includes(
      MUTABLE_METADATA_EXTENSION_TYPE,
    );
  } catch {
    return false;
  }
}
