export * from "./bytes";
export * from "./hash";
export * from "./random";
export * from "./aead";
export * from "./ed25519";
export * from "./kdf";
