// Smart-contract wallets (ERC-1271 / ERC-6492): which RPC answers for which chain, and
// the viem-based verifier the identity log's SCW signatures go through.
export { parseChainRpcUrls, type ChainRpcUrls } from "./rpc-urls";
export {
  createChainVerifier,
  type ChainVerifier,
  type ChainVerifierOptions,
} from "./chain-verifier";
