export { Client } from "./client";
export { Conversation } from "./conversation";
export { Conversations } from "./conversations";
export { ClientError, type ClientErrorCode } from "./errors";
export type {
  ClientOptions,
  ConnectionState,
  ConversationSummary,
  DecodedMessage,
  MessageStatus,
} from "./types";
export {
  signerFromEip1193,
  signerFromLocalAccount,
  signerFromWalletClient,
  SignerError,
  type Signer,
} from "../signer";
