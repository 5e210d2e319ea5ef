"use client";
import { useRouter } from "next/navigation";
import { useCallback, useEffect } from "react";
import { lastAddress } from "@/components/session/storage";
import { LockIcon, WalletIcon, ChatIcon } from "@/components/ui/icons";
import { ConnectWalletButton } from "@/components/wallet/connect-wallet-button";
import { Brand } from "./brand";

const POINTS = [
  {
    icon: LockIcon,
    title: "End-to-end encrypted",
    text: "Only you and the person you write to can read your messages.",
  },
  {
    icon: WalletIcon,
    title: "Your wallet is your identity",
    text: "No phone number, no email. Message any address that has activated.",
  },
  {
    icon: ChatIcon,
    title: "Free to use",
    text: "Activating costs one signature — no transaction, no gas.",
  },
];

/** `/`: what this is, and one button to start. Returning users go straight to their messages. */
export function Landing() {
  const router = useRouter();

  useEffect(() => {
    if (lastAddress.get()) router.replace("/conversations");
  }, [router]);

  const onConnected = useCallback(() => {
    if (!lastAddress.get()) router.push("/onboarding");
  }, [router]);

  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-5xl flex-col px-6 py-6 sm:px-10">
      <header>
        <Brand />
      </header>
      <div className="grid flex-1 items-center gap-12 py-10 md:grid-cols-[1.1fr_1fr]">
        <section aria-labelledby="landing-title">
          <h1 id="landing-title" className="sr-only">
            Messenger
          </h1>
          <p className="text-4xl font-semibold leading-tight tracking-tight sm:text-5xl">
            Private messages between wallets.
          </p>
          <p className="mt-4 max-w-md text-lg text-zinc-600 dark:text-zinc-400">
            Connect a wallet, activate messaging once, and chat in real time — in a tab or as an
            installed app.
          </p>
          <div className="mt-8 flex flex-col gap-3">
            <div>
              <ConnectWalletButton onConnected={onConnected} />
            </div>
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              No wallet? Pick{" "}
              <span className="font-medium text-zinc-700 dark:text-zinc-300">Ephemeral wallet</span>{" "}
              to try it with a local test key.
            </p>
          </div>
        </section>
        <ul className="grid gap-3">
          {POINTS.map(({ icon: Icon, title, text }) => (
            <li
              key={title}
              className="flex gap-4 rounded-2xl border border-zinc-200 bg-zinc-50 p-5 dark:border-zinc-800 dark:bg-zinc-900"
            >
              <span className="mt-0.5 inline-flex h-10 w-10 shrink-0 items-center justify-center rounded-full bg-indigo-100 text-indigo-700 dark:bg-indigo-500/20 dark:text-indigo-300">
                <Icon />
              </span>
              <span>
                <span className="block font-medium">{title}</span>
                <span className="mt-0.5 block text-sm text-zinc-600 dark:text-zinc-400">
                  {text}
                </span>
              </span>
            </li>
          ))}
        </ul>
      </div>
    </main>
  );
}
