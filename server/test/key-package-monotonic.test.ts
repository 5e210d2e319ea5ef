// Key-package uploads are monotonic: once the node holds an installation's key
// package, an older one (by its own signed lifetime.not_before) is refused, so
// anyone replaying a used key package (whose private key the owner deleted) cannot
// put it back in front of the people who will invite that installation.
import { Code } from "@connectrpc/connect";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createKeyPackage } from "../../lib/mls";
import { startNode, type StartedNode } from "./harness";
import {
  fetchKeyPackage,
  clients,
  expectConnectError,
  newInstallation,
  publishNewInbox,
  type Clients,
} from "./helpers";

let node: StartedNode;
let api: Clients;

beforeAll(async () => {
  node = await startNode();
  api = clients(node.url);
});
afterAll(async () => {
  await node?.stop();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A real key package signed by the installation with this process's clock at `at`. */
async function keyPackageAt(
  at: Date,
  inboxId: string,
  inst: ReturnType<typeof newInstallation>,
): Promise<Uint8Array> {
  vi.useFakeTimers({ toFake: ["Date"], now: at });
  try {
    return (await createKeyPackage({ inboxId, ...inst })).keyPackageBytes;
  } finally {
    vi.useRealTimers();
  }
}

const upload = (bytes: Uint8Array) =>
  api.mls.uploadKeyPackage({
    keyPackage: { keyPackageTlsSerialized: bytes },
    isInboxIdCredential: true,
  });

const stored = (key: Uint8Array) => fetchKeyPackage(api, key);

describe("key package uploads are monotonic", () => {
  it("replayedOlderKeyPackageIsRefused: an older key package cannot replace the current one; a re-upload of the current one is idempotent; a newer one replaces it", async () => {
    const inst = newInstallation();
    const { inboxId } = await publishNewInbox(api, inst);
    const now = Date.now();
    const old = await keyPackageAt(new Date(now - 2 * 3600_000), inboxId, inst);
    const current = await keyPackageAt(new Date(now), inboxId, inst);

    await upload(old); // the first one the node sees is fine
    await upload(current);
    expect(await stored(inst.publicKey)).toEqual(current);

    // Anyone can fetch `old` (it was public) and upload it again: refused, nothing changes.
    await expectConnectError(
      upload(old),
      Code.FailedPrecondition,
      /older than the key package the node holds/,
      /not_before/,
    );
    expect(await stored(inst.publicKey)).toEqual(current);

    await upload(current); // identical re-upload: still fine
    expect(await stored(inst.publicKey)).toEqual(current);

    const next = await keyPackageAt(new Date(now + 60_000), inboxId, inst);
    await upload(next);
    expect(await stored(inst.publicKey)).toEqual(next);
  }, 60_000);

  it("farFutureKeyPackageIsRefused: a key package that starts more than a day ahead cannot wedge later uploads", async () => {
    const inst = newInstallation();
    const { inboxId } = await publishNewInbox(api, inst);
    const ahead = await keyPackageAt(new Date(Date.now() + 3 * 86_400_000), inboxId, inst);
    await expectConnectError(upload(ahead), Code.InvalidArgument, /lifetime.not_before/, /future/);
    expect(await stored(inst.publicKey)).toHaveLength(0);
  }, 60_000);
});
