export interface Identifier {
  /** Lowercase 0x address. */
  identifier: string;
  identifierKind: "Ethereum";
}

/** The user's wallet as the protocol sees it: who it is and a way to personal_sign a text. */
export interface Signer {
  type: "EOA" | "SCW";
  getIdentifier(): Identifier | Promise<Identifier>;
  /** EIP-191 personal_sign of the UTF-8 text; 65 bytes r||s||v for an EOA. Throws SignerError. */
  signMessage(text: string): Promise<Uint8Array>;
  /** SCW only: the chain the contract wallet lives on. */
  getChainId?(): bigint;
  /** SCW only: the block to verify at (undefined = latest). */
  getBlockNumber?(): bigint | undefined;
}
