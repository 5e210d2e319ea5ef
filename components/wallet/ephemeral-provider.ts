import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import type { Hex, TypedDataDefinition } from "viem";
import { EPHEMERAL_KEY as KEY } from "@/components/session/storage";

/** The local test key: made once per browser and kept in localStorage. */
export function ephemeralAccount(): PrivateKeyAccount {
  let key = localStorage.getItem(KEY) as Hex | null;
  if (!key || !/^0x[0-9a-f]{64}$/i.test(key)) {
    key = generatePrivateKey();
    localStorage.setItem(KEY, key);
  }
  return privateKeyToAccount(key);
}

export type RequestArgs = { method: string; params?: unknown };

export class ProviderRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** A minimal EIP-1193 provider answering from the local key; chain is fixed to mainnet id (no RPC). */
export function ephemeralProvider(account: () => PrivateKeyAccount, isConnected: () => boolean) {
  return {
    async request({ method, params }: RequestArgs): Promise<unknown> {
      const p = (Array.isArray(params) ? params : []) as unknown[];
      switch (method) {
        case "eth_chainId":
          return "0x1";
        case "eth_accounts":
          return isConnected() ? [account().address] : [];
        case "eth_requestAccounts":
          return [account().address];
        case "personal_sign":
          return account().signMessage({ message: { raw: p[0] as Hex } });
        case "eth_signTypedData_v4": {
          const data = typeof p[1] === "string" ? JSON.parse(p[1]) : p[1];
          return account().signTypedData(data as TypedDataDefinition);
        }
        case "wallet_switchEthereumChain":
          return null;
        default:
          throw new ProviderRpcError(4200, `the ephemeral wallet does not support ${method}`);
      }
    },
    on() {},
    removeListener() {},
  };
}
