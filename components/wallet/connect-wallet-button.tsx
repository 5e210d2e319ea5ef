"use client";
import { useConnectModal } from "@rainbow-me/rainbowkit";
import { buttonStyles } from "@/components/ui/button-styles";
import { WalletIcon } from "@/components/ui/icons";

/** Opens RainbowKit's wallet list (test id connect-wallet). */
export function ConnectWalletButton({ label = "Connect wallet" }: { label?: string }) {
  const { openConnectModal, connectModalOpen } = useConnectModal();
  return (
    <button
      type="button"
      data-testid="connect-wallet"
      className={`${buttonStyles.primary} w-full py-3 text-base whitespace-nowrap sm:w-auto sm:px-8`}
      disabled={!openConnectModal || connectModalOpen}
      onClick={() => openConnectModal?.()}
    >
      <WalletIcon />
      {label}
    </button>
  );
}
