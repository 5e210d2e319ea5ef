// A "modified client" that invites with a lie: builds a group whose immutable metadata
// names someone else as its creator (lib/mls refuses to), adds the victim's installation
// with its real key package from the node, and sends the victim the welcome. Real
// ts-mls, real keys, real node; only the rule "creator = the signer" is skipped.
import {
  createCommit,
  createGroup,
  encodeMlsMessage,
  encodeRequiredCapabilities,
  generateKeyPackageWithKey,
} from "ts-mls";
import type { Client } from "../../lib/client";
import { randomBytes } from "../../lib/crypto";
import { ContentTypeText, encodeEncodedContent, encodePlaintextEnvelope } from "../../lib/content";
import {
  encryptApplication,
  parseKeyPackage,
  presetPermissions,
  type GroupHandle,
} from "../../lib/mls";
import {
  IMMUTABLE_METADATA_EXTENSION_TYPE,
  MUTABLE_EXTENSION_TYPES,
} from "../../lib/mls/constants";
import { credentialForInbox } from "../../lib/mls/credential";
import { mutableExtensions } from "../../lib/mls/group-context";
import { leafCapabilities } from "../../lib/mls/keyPackage";
import { metadataExtension, type GroupMetadata } from "../../lib/mls/metadata";
import { configWith, toHandle } from "../../lib/mls/state";
import { cipherSuite } from "../../lib/mls/suite";
import { ctxOf } from "../support/client-internals";

export async function forgeInvitation(
  from: Client,
  victim: Client,
  metadata: GroupMetadata,
  groupId: Uint8Array = randomBytes(16),
): Promise<Uint8Array> {
  return (await forgeGroup(from, victim, metadata, groupId)).groupId;
}

/** The forged group as its maker holds it: he can go on posting into it (postAsForger). */
export interface ForgedGroup {
  groupId: Uint8Array;
  state: GroupHandle;
  from: Client;
}

/** Whom a forged welcome goes to: a client here, or an installation (say, a browser's). */
export type Invitee = Client | { inboxId: string; installationKey: Uint8Array };
const keyOf = (v: Invitee) =>
  "installationKey" in v ? v.installationKey : ctxOf(v).installation.publicKey;

/** The same invitation; the forger keeps the group's state to post into it later. */
export async function forgeGroup(
  from: Client,
  victim: Invitee,
  metadata: GroupMetadata,
  groupId: Uint8Array = randomBytes(16),
  name = "Family",
): Promise<ForgedGroup> {
  const ctx = ctxOf(from);
  const impl = await cipherSuite();
  const now = BigInt(Math.floor(Date.now() / 1000));
  const own = await generateKeyPackageWithKey(
    credentialForInbox(from.inboxId),
    leafCapabilities(),
    { notBefore: now - 3600n, notAfter: now + 86400n },
    [],
    { signKey: ctx.installation.privateKey, publicKey: ctx.installation.publicKey },
    impl,
  );
  const isGroup = metadata.conversationType === "group";
  const seq = async (inbox: string) => (await ctx.resolver.latest(inbox))!.sequenceId;
  const extensions = [
    {
      extensionType: "required_capabilities" as const,
      extensionData: encodeRequiredCapabilities({
        extensionTypes: isGroup
          ? [IMMUTABLE_METADATA_EXTENSION_TYPE, ...MUTABLE_EXTENSION_TYPES]
          : [IMMUTABLE_METADATA_EXTENSION_TYPE],
        proposalTypes: [],
        credentialTypes: ["basic"],
      }),
    },
    metadataExtension(metadata),
    ...(isGroup
      ? mutableExtensions({
          metadata: {
            attributes: { group_name: name },
            admins: [],
            superAdmins: [from.inboxId],
          },
          membership: new Map([
            [from.inboxId, await seq(from.inboxId)],
            [victim.inboxId, await seq(victim.inboxId)],
          ]),
          permissions: presetPermissions("default"),
        })
      : []),
  ];
  const state = await createGroup(
    groupId,
    own.publicPackage,
    own.privatePackage,
    extensions,
    impl,
    configWith({ validateCredential: () => Promise.resolve(true) }),
  );
  const [kpBytes] = await ctx.api.fetchKeyPackages([keyOf(victim)]);
  const kp = parseKeyPackage(kpBytes!);
  const res = await createCommit(
    { state, cipherSuite: impl },
    {
      extraProposals: [{ proposalType: "add", add: { keyPackage: kp.keyPackage } }],
      ratchetTreeExtension: true,
    },
  );
  const welcome = encodeMlsMessage({
    version: "mls10",
    wireformat: "mls_welcome",
    welcome: res.welcome!,
  });
  await ctx.api.sendWelcomeMessages([
    { installationKey: kp.installationKey, hpkePublicKey: kp.keyPackage.initKey, data: welcome },
  ]);
  return { groupId, state: toHandle(res.newState), from };
}

/** A text the forger posts on the group's topic under his forged state (real MLS, real node). */
export async function postAsForger(forged: ForgedGroup, text: string): Promise<void> {
  const ctx = ctxOf(forged.from);
  const key = (BigInt(Date.now()) * 1_000_000n).toString();
  const content = encodeEncodedContent(ctx.codecs.encode(ContentTypeText, text));
  const { group, message } = await encryptApplication(
    forged.state,
    encodePlaintextEnvelope(content, key),
  );
  forged.state = group;
  await ctx.api.sendGroupMessages([{ data: message, shouldPush: true }]);
}
