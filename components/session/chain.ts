// The chains whose smart-contract wallets (ERC-1271 / ERC-6492) this app checks itself:
// NEXT_PUBLIC_CHAIN_RPC_URLS="1=https://…,8453=https://…", inlined at build. The browser
// sees these URLs: use public RPC endpoints, never one with a secret key in it.
export const chainRpcUrls = process.env.NEXT_PUBLIC_CHAIN_RPC_URLS ?? "";
