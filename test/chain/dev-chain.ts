// A real EVM for tests: ganache in this process, on a loopback port, with the test
// wallet contracts of OwnerWallet.sol deployed. Nothing here reaches the internet.
import ganache from "ganache";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeFunctionData,
  labelhash,
  namehash,
  getContractAddress,
  http,
  keccak256,
  serializeErc6492Signature,
  toHex,
  type Address,
  type Hex,
  type LocalAccount,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { fromHex } from "../../lib/crypto/bytes";
import type { Signer } from "../../lib/signer";
import artifacts from "./artifacts.json" with { type: "json" };

export interface DevChain {
  url: string;
  chainId: bigint;
  /** Deploys an OwnerWallet owned by `owner` now; returns its address. */
  deployWallet(owner: Address): Promise<Address>;
  /** A wallet the factory WOULD deploy for `owner` (ERC-6492): its address and deploy call. */
  counterfactualWallet(owner: Address, salt?: Hex): Promise<CounterfactualWallet>;
  /** The owner (a funded local account) hands the wallet to `next`. */
  setOwner(wallet: Address, owner: LocalAccount, next: Address): Promise<void>;
  blockNumber(): Promise<bigint>;
  /** Deploys a minimal ENS (Ens.sol): registry, resolver, Universal Resolver. */
  deployEns(): Promise<DevEns>;
  /**
   * Deploys names as Basenames has them on Base: a registry and resolver (no Universal
   * Resolver), reverse records under <address>.<coin type>.reverse, and ENSIP-19's L2 reverse
   * registrar. This chain stands for Base: its coin type is 0x80000000 | its chain ID.
   */
  deployBasenames(): Promise<DevBasenames>;
  stop(): Promise<void>;
}

export interface DevEns {
  /** What viem's getEnsAddress / getEnsName take as `universalResolverAddress`. */
  universalResolver: Address;
  /** name -> address (forward record). */
  setAddress(name: string, address: Address): Promise<void>;
  /** address -> name (reverse record; true or not: clients check it forward). */
  setReverse(address: Address, name: string): Promise<void>;
  /** A text record (e.g. "avatar"). */
  setText(name: string, key: string, value: string): Promise<void>;
}

export interface DevBasenames {
  registry: Address;
  l2ReverseRegistrar: Address;
  /** name -> address, as Basenames writes it: the address record and this chain's coin type. */
  setAddress(name: string, address: Address): Promise<void>;
  /** Only the address record for this chain's coin type (names set up after ENSIP-19). */
  setChainAddress(name: string, address: Address): Promise<void>;
  /** A primary name in the L2 reverse registrar (ENSIP-19; true or not). */
  setPrimaryName(address: Address, name: string): Promise<void>;
  /** A primary name the older Basenames way: <address>.<coin type>.reverse in the registry. */
  setLegacyReverse(address: Address, name: string): Promise<void>;
  setText(name: string, key: string, value: string): Promise<void>;
}

export interface CounterfactualWallet {
  address: Address;
  factory: Address;
  factoryData: Hex;
}

/**
 * `port`: a fixed loopback port (0 = any); `deployerKey`: a fixed deployer, so contract
 * addresses are the same every run (a browser test configures them before the page loads).
 */
export async function startDevChain(
  chainId = 31337,
  opts: { port?: number; deployerKey?: Hex } = {},
): Promise<DevChain> {
  const deployer = privateKeyToAccount(opts.deployerKey ?? generatePrivateKey());
  const server = ganache.server({
    logging: { quiet: true },
    chain: { chainId, hardfork: "shanghai" },
  });
  await server.listen(opts.port ?? 0, "127.0.0.1");
  const address = server.address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  const chain = defineChain({
    id: chainId,
    name: "ganache",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
  const pub = createPublicClient({ chain, transport: http(url) });
  const fund = (who: Address) =>
    server.provider.request({
      method: "evm_setAccountBalance",
      params: [who, toHex(10n ** 20n)],
    });
  const send = async (account: LocalAccount, tx: { to?: Address; data: Hex }) => {
    await fund(account.address);
    const wallet = createWalletClient({ account, chain, transport: http(url) });
    const hash = tx.to
      ? await wallet.sendTransaction({ to: tx.to, data: tx.data })
      : await wallet.deployContract({ abi: [], bytecode: tx.data });
    const receipt = await pub.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    if (receipt.status !== "success") throw new Error(`dev chain: transaction ${hash} reverted`);
    return receipt;
  };
  const factoryReceipt = await send(deployer, {
    data: artifacts.OwnerWalletFactory.bytecode as Hex,
  });
  const factory = factoryReceipt.contractAddress!;
  const factoryAbi = artifacts.OwnerWalletFactory.abi;
  const deployCall = (owner: Address, salt: Hex) =>
    encodeFunctionData({ abi: factoryAbi, functionName: "deploy", args: [owner, salt] });

  return {
    url,
    chainId: BigInt(chainId),
    async deployWallet(owner) {
      const bytecode = (artifacts.OwnerWallet.bytecode +
        owner.slice(2).toLowerCase().padStart(64, "0")) as Hex;
      const nonce = await pub.getTransactionCount({ address: deployer.address });
      await send(deployer, { data: bytecode });
      return getContractAddress({ from: deployer.address, nonce: BigInt(nonce) });
    },
    async counterfactualWallet(owner, salt = keccak256(toHex(generatePrivateKey()))) {
      const predicted = (await pub.readContract({
        address: factory,
        abi: factoryAbi,
        functionName: "addressOf",
        args: [owner, salt],
      })) as Address;
      return { address: predicted, factory, factoryData: deployCall(owner, salt) };
    },
    async setOwner(wallet, owner, next) {
      await send(owner, {
        to: wallet,
        data: encodeFunctionData({
          abi: artifacts.OwnerWallet.abi,
          functionName: "setOwner",
          args: [next],
        }),
      });
    },
    blockNumber: () => pub.getBlockNumber({ cacheTime: 0 }),
    async deployEns() {
      const names = await deployNames(send, deployer, "addr");
      const universalResolver = await names.deploy(
        artifacts.EnsUniversalResolver.bytecode,
        names.registry,
      );
      return {
        universalResolver,
        setAddress: (name, address) => names.resolve("setAddr", name, [address]),
        setReverse: names.setReverse,
        setText: (name, key, value) => names.resolve("setText", name, [key, value]),
      };
    },
    async deployBasenames() {
      const coinType = (0x80000000n | BigInt(chainId)).toString(16);
      const names = await deployNames(send, deployer, coinType);
      const l2ReverseRegistrar = await names.deploy(artifacts.L2ReverseRegistrar.bytecode);
      const setChainAddress = (name: string, address: Address) =>
        names.resolve("setAddr", name, [BigInt(`0x${coinType}`), address]);
      return {
        registry: names.registry,
        l2ReverseRegistrar,
        async setAddress(name, address) {
          await names.resolve("setAddr", name, [address]);
          await setChainAddress(name, address);
        },
        setChainAddress,
        setPrimaryName: (address, name) =>
          names.call(l2ReverseRegistrar, artifacts.L2ReverseRegistrar.abi, "setNameForAddr", [
            address,
            name,
          ]),
        setLegacyReverse: names.setReverse,
        setText: (name, key, value) => names.resolve("setText", name, [key, value]),
      };
    },
    stop: () => server.close(),
  };
}

type Send = (
  account: LocalAccount,
  tx: { to?: Address; data: Hex },
) => Promise<{
  contractAddress?: Address | null;
}>;

/**
 * A registry and a resolver whose every node the deployer owns (a test fixture, not a
 * registrar); reverse records live under <address>.<reverseLabel>.reverse.
 */
async function deployNames(send: Send, deployer: LocalAccount, reverseLabel: string) {
  const deploy = async (bytecode: string, arg?: Address) => {
    const data = (bytecode + (arg ? arg.slice(2).toLowerCase().padStart(64, "0") : "")) as Hex;
    return (await send(deployer, { data })).contractAddress!;
  };
  const call = async (
    to: Address,
    abi: readonly unknown[],
    functionName: string,
    args: unknown[],
  ) => {
    await send(deployer, { to, data: encodeFunctionData({ abi, functionName, args } as never) });
  };
  const registry = await deploy(artifacts.EnsRegistry.bytecode);
  const resolver = await deploy(artifacts.EnsResolver.bytecode, registry);
  const own = async (name: string) => {
    const labels = name.split(".");
    for (let i = labels.length - 1; i >= 0; i--) {
      const parent = namehash(labels.slice(i + 1).join("."));
      await call(registry, artifacts.EnsRegistry.abi, "setSubnodeOwner", [
        parent,
        labelhash(labels[i]!),
        deployer.address,
      ]);
    }
    await call(registry, artifacts.EnsRegistry.abi, "setResolver", [namehash(name), resolver]);
    return namehash(name);
  };
  /** A resolver setter on `name`'s node (owned first). */
  const resolve = async (fn: string, name: string, args: unknown[]) =>
    call(resolver, artifacts.EnsResolver.abi, fn, [await own(name), ...args]);
  return {
    registry,
    deploy,
    call,
    resolve,
    setReverse: (address: Address, name: string) =>
      resolve("setName", `${address.slice(2).toLowerCase()}.${reverseLabel}.reverse`, [name]),
  };
}

/**
 * The Signer a smart-contract wallet app would hand the client: it names the contract
 * and its chain, and signs by having the owner key personal_sign (what OwnerWallet's
 * isValidSignature checks) — wrapped in ERC-6492 while the wallet is not deployed yet.
 */
export function contractWalletSigner(args: {
  wallet: Address;
  owner: LocalAccount;
  chainId: bigint;
  counterfactual?: CounterfactualWallet;
  blockNumber?: bigint;
}): Signer {
  return {
    type: "SCW",
    getIdentifier: () => ({ identifier: args.wallet.toLowerCase(), identifierKind: "Ethereum" }),
    getChainId: () => args.chainId,
    ...(args.blockNumber !== undefined ? { getBlockNumber: () => args.blockNumber } : {}),
    async signMessage(text) {
      const signature = await args.owner.signMessage({ message: text });
      const cf = args.counterfactual;
      return fromHex(
        cf
          ? serializeErc6492Signature({ address: cf.factory, data: cf.factoryData, signature })
          : signature,
      );
    },
  };
}

export { generatePrivateKey, privateKeyToAccount };
