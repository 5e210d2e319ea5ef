export { IdentityError, type IdentityErrorCode } from "./errors";
export { inboxIdFor, normalizeAddress } from "./inbox-id";
export { holdsInstallation, holdsAddress, type AssociationState, type MemberInfo } from "./state";
export { signatureText, actionLines, rfc3339Seconds } from "./signature-text";
export {
  INSTALLATION_SIGNATURE_CONTEXT,
  eip191Hash,
  recoverEip191,
  type VerifyOptions,
  type ScwVerifyArgs,
} from "./verify";
export {
  applyIdentityUpdate,
  foldIdentityLog,
  checkClientTimestamp,
  MAX_INSTALLATIONS_PER_INBOX,
  MAX_IDENTITY_UPDATES_PER_INBOX,
} from "./apply";
export { IdentityUpdateBuilder, type ScwSignatureInfo } from "./builder";
export {
  buildCreateInboxUpdate,
  buildRevokeInstallationsUpdate,
  scwSignatureInfo,
  type ChainHead,
} from "./flows";
