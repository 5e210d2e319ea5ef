// The AAD purpose of each kind of sealed key record (shared with the v3 migration, which re-seals them).

export const IDENTITY_KEY_PURPOSE = "identity:installation_key";
export const keyPackagePurpose = (ref: string) => `key_package:${ref}`;
export const groupStatePurpose = (groupId: string, epoch: string) =>
  `group_state:${groupId}:${epoch}`;
/** v4 split state: both parts name the epoch part's stamp, so only a matching pair opens. */
export const groupStateMainPurpose = (groupId: string, epoch: string, epochStamp: string) =>
  `group_state_main:${groupId}:${epoch}:${epochStamp}`;
export const groupEpochPartPurpose = (groupId: string, epoch: string, epochStamp: string) =>
  `group_state_epoch:${groupId}:${epoch}:${epochStamp}`;
export const PUSH_ROOT_KEY_PURPOSE = "push:hmac_root_key";
