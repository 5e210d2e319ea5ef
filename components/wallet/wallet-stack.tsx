"use client";
// The wallet stack (wagmi + RainbowKit + viem, ~170 KiB gzip) is loaded on demand: the
// landing page paints without it and fetches it when the browser is idle or when the person
// asks to connect, whichever comes first; the pages that need a wallet at once (/onboarding,
// /devices, /unlock) load it immediately and wait for it.
import { usePathname } from "next/navigation";
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ComponentType,
  type ReactNode,
} from "react";

import type { ConnectButtonProps } from "./connect-wallet-button";

/** What the lazily loaded module (wallet-providers.tsx) brings. */
interface LoadedStack {
  WalletProviders: ComponentType<{ children: ReactNode }>;
  ConnectWithModal: ComponentType<ConnectButtonProps>;
}

interface WalletStack {
  /** The providers are mounted: wagmi / RainbowKit hooks may be used below. */
  loaded: boolean;
  /** The real connect button, once loaded. */
  ConnectWithModal: ComponentType<ConnectButtonProps> | null;
  /** Loading it failed (offline on a first visit): say so, offer to retry. */
  failed: boolean;
  /** Starts loading (idempotent). */
  load(): void;
  /** The person asked for the wallet list before the stack was there: open it once loaded. */
  wantsWalletList: boolean;
  askWalletList(): void;
  walletListOpened(): void;
}

const WalletStackContext = createContext<WalletStack | null>(null);

export function useWalletStack(): WalletStack {
  const stack = useContext(WalletStackContext);
  if (!stack) throw new Error("useWalletStack outside LazyWalletProviders");
  return stack;
}

/** Pages that render before the wallet stack is there (they use no wallet hook until `loaded`). */
const PAINTS_WITHOUT_WALLET = new Set(["/"]);

function whenIdle(fn: () => void): () => void {
  if (typeof window.requestIdleCallback === "function") {
    const id = window.requestIdleCallback(fn, { timeout: 3000 });
    return () => window.cancelIdleCallback(id);
  }
  const id = window.setTimeout(fn, 1000);
  return () => window.clearTimeout(id);
}

/** One import for the whole page's life; a failed one (offline) may be retried. */
let stackModule: Promise<LoadedStack> | null = null;
function importStack(): Promise<LoadedStack> {
  stackModule ??= import("./wallet-providers")
    .then((m) => ({ WalletProviders: m.WalletProviders, ConnectWithModal: m.ConnectWithModal }))
    .catch((err: unknown) => {
      stackModule = null;
      throw err;
    });
  return stackModule;
}

export function LazyWalletProviders({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const paintsWithout = PAINTS_WITHOUT_WALLET.has(pathname);
  const [providers, setProviders] = useState<LoadedStack | null>(null);
  const [failed, setFailed] = useState(false);
  const [wantsWalletList, setWantsWalletList] = useState(false);

  const load = useCallback(() => {
    importStack().then(setProviders, () => setFailed(true));
  }, []);
  const retry = useCallback(() => {
    setFailed(false);
    load();
  }, [load]);

  useEffect(() => {
    if (providers || failed) return;
    if (paintsWithout) return whenIdle(load);
    load();
  }, [paintsWithout, providers, failed, load]);

  const value = useMemo<WalletStack>(
    () => ({
      loaded: providers !== null,
      ConnectWithModal: providers?.ConnectWithModal ?? null,
      failed,
      load,
      wantsWalletList,
      askWalletList: () => {
        setWantsWalletList(true);
        retry();
      },
      walletListOpened: () => setWantsWalletList(false),
    }),
    [providers, failed, load, retry, wantsWalletList],
  );

  const Loaded = providers?.WalletProviders;
  let content: ReactNode;
  if (Loaded) content = <Loaded>{children}</Loaded>;
  else if (paintsWithout) content = children;
  else content = <WalletStackPending failed={failed} retry={retry} />;
  return <WalletStackContext.Provider value={value}>{content}</WalletStackContext.Provider>;
}

function WalletStackPending({ failed, retry }: { failed: boolean; retry: () => void }) {
  return (
    <main className="flex min-h-dvh items-center justify-center p-6 text-sm text-zinc-600 dark:text-zinc-400">
      {failed ? (
        <p role="alert" data-testid="wallet-stack-failed">
          Could not load the wallet connection (are you offline?).{" "}
          <button type="button" className="font-medium text-indigo-600 underline" onClick={retry}>
            Try again
          </button>
        </p>
      ) : (
        <p role="status" aria-live="polite">
          Loading wallet connection…
        </p>
      )}
    </main>
  );
}
