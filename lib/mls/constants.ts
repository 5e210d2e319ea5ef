// Network-wide MLS constants. One ciphersuite for the whole network (XMTP's).

import type { CiphersuiteName } from "ts-mls";

/** MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519 */
export const CIPHERSUITE_ID = 0x0003;
export const CIPHERSUITE_NAME: CiphersuiteName =
  "MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519";

/** openmls ExtensionType::ImmutableMetadata (xmtp/openmls extensions/mod.rs: 0xf000). */
export const IMMUTABLE_METADATA_EXTENSION_TYPE = 0xf000;
/** RFC 9420 application_id: libxmtp's groups require leaves to list it. */
export const APPLICATION_ID_EXTENSION_TYPE = 0x0001;
/** RFC 9420 group_context_extensions proposal: libxmtp's groups require leaves to list it. */
export const GROUP_CONTEXT_EXTENSIONS_PROPOSAL_TYPE = 7;
/** RFC 9420 / openmls ExtensionType::LastResort. */
export const LAST_RESORT_EXTENSION_TYPE = 0x000a;

/** Key packages are valid from an hour ago (clock skew) for 90 days; they are rotated every 30. */
export const KEY_PACKAGE_BACKDATE_SECONDS = 3600n;
export const KEY_PACKAGE_LIFETIME_SECONDS = 90n * 24n * 3600n;

export const ED25519_PUBLIC_KEY_LENGTH = 32;

/**
 * An application message may be at most this many epochs older than the group (libxmtp's
 * MAX_PAST_EPOCHS): enough for a message sent just before a few concurrent commits.
 */
export const MAX_PAST_EPOCHS = 3n;

/** libxmtp's group context extensions (PROTOCOL.md §2). */
export const MUTABLE_METADATA_EXTENSION_TYPE = 0xff00;
export const GROUP_MEMBERSHIP_EXTENSION_TYPE = 0xff01;
export const GROUP_PERMISSIONS_EXTENSION_TYPE = 0xff02;
/** Key package extension: WelcomeWrapperEncryption, the key a welcome should be wrapped to. */
export const WELCOME_WRAPPER_ENCRYPTION_EXTENSION_TYPE = 0xff03;
/** Key package extension: WelcomePointeeEncryptionAeadTypesExtension, "send me welcome pointers". */
export const WELCOME_POINTEE_AEAD_TYPES_EXTENSION_TYPE = 0xff04;
/** Default maximum number of inboxes in a group. */
export const MAX_GROUP_SIZE = 1000;
export const MUTABLE_EXTENSION_TYPES: number[] = [
  MUTABLE_METADATA_EXTENSION_TYPE,
  GROUP_MEMBERSHIP_EXTENSION_TYPE,
  GROUP_PERMISSIONS_EXTENSION_TYPE,
];
