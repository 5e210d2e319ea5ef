// Web Push helpers shared by the client and the node: the signed registration text and
// XMTP's sender HMAC keys.
export * from "./hmac-keys";
export * from "./registration-signature";
