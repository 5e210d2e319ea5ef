import { describe, expect, it } from "vitest";
import { bytesToHex, createWalletClient, custom, verifyMessage, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import {
  signerFromEip1193,
  signerFromLocalAccount,
  signerFromWalletClient,
  SignerError,
  type Eip1193Provider,
  type Signer,
} from "..";

const TEXT = "XMTP : Authenticate to inbox\n\nünïcødé ✓ 🔐";

/** A tiny real EIP-1193 wallet backed by a viem account. */
function walletProvider(
  account: PrivateKeyAccount,
  opts: { accounts?: string[] } = {},
): Eip1193Provider & { methods: string[] } {
  const methods: string[] = [];
  return {
    methods,
    async request({ method, params }) {
      methods.push(method);
      switch (method) {
        case "eth_accounts":
        case "eth_requestAccounts":
          return opts.accounts ?? [account.address];
        case "eth_chainId":
          return "0x1";
        case "personal_sign": {
          const [message, address] = params as [Hex, string];
          if (address.toLowerCase() !== account.address.toLowerCase())
            throw Object.assign(new Error("unknown account"), { code: 4100 });
          return account.signMessage({ message: { raw: message } });
        }
        default:
          throw Object.assign(new Error(`unsupported ${method}`), { code: 4200 });
      }
    },
  };
}

const rejecting: Eip1193Provider = {
  async request({ method }) {
    if (method === "eth_accounts" || method === "eth_requestAccounts")
      return ["0x1111111111111111111111111111111111111111"];
    throw Object.assign(new Error("User rejected the request."), { code: 4001 });
  },
};

const answering = (answer: unknown): Eip1193Provider => ({
  async request({ method }) {
    if (method === "eth_accounts") return ["0x1111111111111111111111111111111111111111"];
    return answer;
  },
});

async function signerError(p: Promise<unknown>): Promise<SignerError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SignerError);
  return err as SignerError;
}

async function expectValid(signer: Signer, account: PrivateKeyAccount) {
  const id = await signer.getIdentifier();
  expect(id).toEqual({ identifier: account.address.toLowerCase(), identifierKind: "Ethereum" });
  const sig = await signer.signMessage(TEXT);
  expect(sig).toBeInstanceOf(Uint8Array);
  expect(sig.length).toBe(65);
  expect(
    await verifyMessage({ address: account.address, message: TEXT, signature: bytesToHex(sig) }),
  ).toBe(true);
}

describe("signerFromLocalAccount", () => {
  it("is an EOA that personal_signs the text as 65 bytes", async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const signer = signerFromLocalAccount(account);
    expect(signer.type).toBe("EOA");
    await expectValid(signer, account);
  });
});

describe("signerFromEip1193", () => {
  it("asks eth_accounts for the address and personal_signs the UTF-8 text", async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const provider = walletProvider(account);
    await expectValid(signerFromEip1193(provider), account);
    expect(provider.methods).toEqual(["eth_accounts", "personal_sign"]);
  });

  it("uses the given address without asking for accounts", async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const provider = walletProvider(account);
    await expectValid(signerFromEip1193(provider, account.address), account);
    expect(provider.methods).toEqual(["personal_sign"]);
  });

  it("a refused prompt (4001) is signature_rejected and retryable", async () => {
    const err = await signerError(signerFromEip1193(rejecting).signMessage(TEXT));
    expect(err.code).toBe("signature_rejected");
    expect(err.retryable).toBe(true);
    expect((err.cause as { code: number }).code).toBe(4001);
  });

  it("never returns an empty or wrong-length signature", async () => {
    expect((await signerError(signerFromEip1193(answering("0x")).signMessage(TEXT))).code).toBe(
      "empty_signature",
    );
    expect((await signerError(signerFromEip1193(answering(null)).signMessage(TEXT))).code).toBe(
      "empty_signature",
    );
    expect(
      (await signerError(signerFromEip1193(answering("0x" + "ab".repeat(64))).signMessage(TEXT)))
        .code,
    ).toBe("malformed_signature");
    expect((await signerError(signerFromEip1193(answering("0xzz")).signMessage(TEXT))).code).toBe(
      "malformed_signature",
    );
    expect((await signerError(signerFromEip1193(answering(42)).signMessage(TEXT))).code).toBe(
      "malformed_signature",
    );
  });

  it("a wallet with no account is no_account", async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const signer = signerFromEip1193(walletProvider(account, { accounts: [] }));
    const err = await signerError(Promise.resolve(signer.getIdentifier()));
    expect(err.code).toBe("no_account");
    expect(err.retryable).toBe(true);
  });
});

describe("signerFromWalletClient", () => {
  it("signs with the client's local account", async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const client = createWalletClient({ account, transport: custom(rejecting) }); // never reaches the transport
    await expectValid(signerFromWalletClient(client), account);
  });

  it("signs through the wallet's RPC for a JSON-RPC account, first address by default", async () => {
    const account = privateKeyToAccount(generatePrivateKey());
    const provider = walletProvider(account);
    const client = createWalletClient({ transport: custom(provider) });
    await expectValid(signerFromWalletClient(client), account);
    expect(provider.methods).toContain("personal_sign");
    await expectValid(signerFromWalletClient(client, account.address), account);
  });

  it("maps viem's UserRejectedRequestError to signature_rejected", async () => {
    const client = createWalletClient({ transport: custom(rejecting) });
    const err = await signerError(signerFromWalletClient(client).signMessage(TEXT));
    expect(err.code).toBe("signature_rejected");
    expect(err.retryable).toBe(true);
  });

  it("maps an empty answer to empty_signature", async () => {
    const client = createWalletClient({ transport: custom(answering("0x")) });
    expect((await signerError(signerFromWalletClient(client).signMessage(TEXT))).code).toBe(
      "empty_signature",
    );
  });
});
