// The AAD purpose of each kind of sealed key record (shared with the v3 migration, which re-seals them).

export const IDENTITY_KEY_PURPOSE = "identity:installation_key";
export const keyPackagePurpose = (ref: string) => `key_package:${ref}`;
export const groupStatePurpose = (groupId: string, epoch: string) =>
  `group_state:${groupId}:${epoch}`;
