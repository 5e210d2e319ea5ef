"use client";
// No wallet library is imported here: the landing page renders this before the wallet
// stack has loaded (wallet-stack.tsx), and the stack brings the real button with it.
import { buttonStyles } from "@/components/ui/button-styles";
import { WalletIcon } from "@/components/ui/icons";
import { useWalletStack } from "./wallet-stack";

export interface ConnectButtonProps {
  label: string;
  className: string;
  /** Called once a wallet is connected (the landing page moves on to onboarding). */
  onConnected?: () => void;
}

const BUTTON = `${buttonStyles.primary} w-full py-3 text-base whitespace-nowrap sm:w-auto sm:px-8`;

/**
 * Opens the wallet list (test id connect-wallet). Before the wallet stack has loaded, the
 * click asks for it and the list opens as soon as it is there.
 */
export function ConnectWalletButton({
  label = "Connect wallet",
  onConnected,
}: {
  label?: string;
  onConnected?: () => void;
}) {
  const stack = useWalletStack();
  const Loaded = stack.ConnectWithModal;
  if (Loaded) return <Loaded label={label} className={BUTTON} onConnected={onConnected} />;
  const waiting = stack.wantsWalletList && !stack.failed;
  return (
    <span className="flex flex-col items-stretch gap-2 sm:items-start">
      <button
        type="button"
        data-testid="connect-wallet"
        className={BUTTON}
        aria-busy={waiting}
        disabled={waiting}
        onClick={stack.askWalletList}
      >
        <WalletIcon />
        {waiting ? "Loading wallets…" : label}
      </button>
      {stack.failed && stack.wantsWalletList ? (
        <span role="alert" className="text-sm text-red-700 dark:text-red-400">
          Could not load the wallet list (are you offline?). Press the button to try again.
        </span>
      ) : null}
    </span>
  );
}
