// What this browser remembers between visits, in one place. Every access is
// guarded: storage can be disabled (private modes) and must never crash a view.
const LAST_ADDRESS = "messenger:lastAddress";
const NODE_URL = "messenger:nodeUrl";
const DRAFT = "messenger:draft:";
export const EPHEMERAL_CONNECTED = "messenger:ephemeralConnected";
/** The ephemeral wallet's private key (0x + 64 hex): the only key of that account. */
export const EPHEMERAL_KEY = "messenger:ephemeralKey";

function read(store: "local" | "session", key: string): string | null {
  try {
    return (store === "local" ? localStorage : sessionStorage).getItem(key);
  } catch {
    return null;
  }
}

function write(store: "local" | "session", key: string, value: string | null): void {
  try {
    const s = store === "local" ? localStorage : sessionStorage;
    if (value === null) s.removeItem(key);
    else s.setItem(key, value);
  } catch {
    // storage unavailable: the value lives only for this page
  }
}

export const lastAddress = {
  get: () => read("local", LAST_ADDRESS),
  set: (address: string) => write("local", LAST_ADDRESS, address.toLowerCase()),
  clear: () => write("local", LAST_ADDRESS, null),
};

/** The node URL: the saved override, else NEXT_PUBLIC_NODE_URL, else this origin (""). */
export const nodeUrl = {
  override: () => read("local", NODE_URL),
  default: () => process.env.NEXT_PUBLIC_NODE_URL ?? "",
  get: () => read("local", NODE_URL) ?? process.env.NEXT_PUBLIC_NODE_URL ?? "",
  set: (url: string | null) => write("local", NODE_URL, url),
};

/**
 * This browser's own chain settings, over the build's NEXT_PUBLIC_ values (a person may
 * prefer their own RPC; the browser suite points them at its local chain). Read at load.
 */
export const chainOverrides = {
  rpcUrls: () => read("local", "messenger:chainRpcUrls"),
  ensChainId: () => read("local", "messenger:ensChainId"),
  ensUniversalResolver: () => read("local", "messenger:ensUniversalResolver"),
  basenamesChainId: () => read("local", "messenger:basenamesChainId"),
  basenamesRegistry: () => read("local", "messenger:basenamesRegistry"),
  basenamesReverseRegistrar: () => read("local", "messenger:basenamesReverseRegistrar"),
  ipfsGateway: () => read("local", "messenger:ipfsGateway"),
};

const READ_RECEIPTS = "messenger:readReceipts";

/** Whether this browser tells others when their messages were read (on unless turned off). */
export const readReceiptsPref = {
  get: () => read("local", READ_RECEIPTS) !== "off",
  set: (on: boolean) => write("local", READ_RECEIPTS, on ? null : "off"),
};

/**
 * An invite link opened before this browser was signed in: kept for this tab until the
 * signed-in app can show it (the redirect through onboarding drops the URL's #).
 */
export const pendingInvite = {
  get: () => read("session", "messenger:pendingInvite"),
  set: (token: string | null) => write("session", "messenger:pendingInvite", token),
};

export const drafts = {
  get: (conversationId: string) => read("session", DRAFT + conversationId) ?? "",
  set: (conversationId: string, text: string) =>
    write("session", DRAFT + conversationId, text === "" ? null : text),
};

/**
 * The ephemeral wallet's key. Disconnect keeps it (connecting again is the same account);
 * deleting local data removes it, after offering to export it.
 */
export const ephemeralKey = {
  get: (): string | null => {
    const key = read("local", EPHEMERAL_KEY);
    return key && /^0x[0-9a-fA-F]{64}$/.test(key) ? key : null;
  },
  clear: () => write("local", EPHEMERAL_KEY, null),
};

/** Disconnect: forget the account and the wallet connection (wagmi keeps its own keys). */
export function forgetSession(): void {
  lastAddress.clear();
  write("local", EPHEMERAL_CONNECTED, null);
  try {
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith("wagmi.") || key.startsWith("rk-")) localStorage.removeItem(key);
    }
    for (const key of Object.keys(sessionStorage)) {
      if (key.startsWith(DRAFT)) sessionStorage.removeItem(key);
    }
  } catch {
    // nothing stored
  }
}

/** Checks a node URL typed in settings; "" means this origin. */
export function nodeUrlProblem(value: string): string | undefined {
  const v = value.trim();
  if (v === "") return undefined;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return "Enter a full URL, like http://127.0.0.1:3000";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return "Use an http:// or https:// URL";
  if (url.search || url.hash) return "Leave out ? and # parts";
  return undefined;
}
