export type { Identifier, Signer } from "./types";
export {
  SignerError,
  type SignerErrorCode,
  isUserRejection,
  toSignerError,
  checkSignature,
} from "./errors";
export { signerFromLocalAccount } from "./local-account";
export { signerFromWalletClient } from "./wallet-client";
export { signerFromEip1193, type Eip1193Provider } from "./eip1193";
