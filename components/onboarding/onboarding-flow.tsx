"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useAccount } from "wagmi";
import { Brand } from "@/components/landing/brand";
import { lastAddress } from "@/components/session/storage";
import { Spinner } from "@/components/ui/spinner";
import { ConnectWalletButton } from "@/components/wallet/connect-wallet-button";
import { ActivateStep } from "./activate-step";
import { NotifyStep } from "./notify-step";
import { StepCard } from "./step-card";

/** `/onboarding`: connect (if needed) → activate (one signature) → notifications/install (skippable). */
export function OnboardingFlow() {
  const router = useRouter();
  const { address, status } = useAccount();
  const [step, setStep] = useState<"activate" | "notify">("activate");
  const checkedReturning = useRef(false);

  // Someone already activated here with this address: nothing to do.
  useEffect(() => {
    if (checkedReturning.current || !address) return;
    checkedReturning.current = true;
    if (lastAddress.get() === address.toLowerCase()) router.replace("/conversations");
  }, [address, router]);

  let body;
  if (step === "notify") {
    body = <NotifyStep onDone={() => router.push("/conversations")} />;
  } else if (address && status === "connected") {
    body = <ActivateStep key={address} address={address} onActivated={() => setStep("notify")} />;
  } else if (status === "connecting" || status === "reconnecting") {
    body = (
      <p role="status" className="flex items-center gap-2 text-zinc-500">
        <Spinner /> Connecting to your wallet…
      </p>
    );
  } else {
    body = (
      <StepCard step={1} total={2} title="Connect a wallet">
        <p className="mb-6 text-zinc-600 dark:text-zinc-400">
          Your wallet address is your identity here. Connect one to activate messaging.
        </p>
        <ConnectWalletButton />
      </StepCard>
    );
  }

  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-5xl flex-col px-6 py-6 sm:px-10">
      <header>
        <Brand />
      </header>
      <div className="flex flex-1 items-center justify-center py-10">{body}</div>
    </main>
  );
}
