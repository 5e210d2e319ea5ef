"use client";
import { useConnectModal } from "@rainbow-me/rainbowkit";
import { useEffect } from "react";
import { useAccount } from "wagmi";
import { WalletIcon } from "@/components/ui/icons";
import type { ConnectButtonProps } from "./connect-wallet-button";
import { useWalletStack } from "./wallet-stack";

/** The connect button once the wallet stack is loaded: RainbowKit's list, opened at once if asked for before. */
export function ConnectWithModal({ label, className, onConnected }: ConnectButtonProps) {
  const { openConnectModal, connectModalOpen } = useConnectModal();
  const { isConnected } = useAccount();
  const { wantsWalletList, walletListOpened } = useWalletStack();
  useEffect(() => {
    if (!wantsWalletList || !openConnectModal) return;
    openConnectModal();
    walletListOpened();
  }, [wantsWalletList, openConnectModal, walletListOpened]);
  useEffect(() => {
    if (isConnected) onConnected?.();
  }, [isConnected, onConnected]);
  return (
    <button
      type="button"
      data-testid="connect-wallet"
      className={className}
      disabled={!openConnectModal || connectModalOpen}
      onClick={() => openConnectModal?.()}
    >
      <WalletIcon />
      {label}
    </button>
  );
}
