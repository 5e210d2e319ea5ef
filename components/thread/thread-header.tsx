"use client";
import { shortAddress } from "@/components/format/address";
import { backToList } from "@/components/conversations/navigation";
import { Avatar } from "@/components/ui/avatar";
import { buttonStyles } from "@/components/ui/button-styles";
import { CopyButton } from "@/components/ui/copy-button";
import { BackIcon, LockIcon } from "@/components/ui/icons";

/** Who this conversation is with; on a phone, the way back to the list. */
export function ThreadHeader({ peerAddress, name }: { peerAddress?: string; name?: string }) {
  const title = name ?? shortAddress(peerAddress);
  return (
    <header className="flex items-center gap-2 border-b border-zinc-200 bg-white/90 px-2 py-2 backdrop-blur sm:px-4 dark:border-zinc-800 dark:bg-zinc-950/90">
      <button
        type="button"
        data-testid="back-to-list"
        aria-label="Back to conversations"
        className={`${buttonStyles.icon} md:hidden`}
        onClick={backToList}
      >
        <BackIcon className="h-6 w-6" />
      </button>
      <Avatar seed={peerAddress ?? title} size="sm" />
      <div className="min-w-0 flex-1 pl-1">
        <h2
          data-testid="conversation-title"
          className="truncate font-mono font-semibold"
          title={peerAddress}
        >
          {title}
        </h2>
        <p className="flex items-center gap-1 text-xs text-zinc-500 dark:text-zinc-400">
          <LockIcon className="h-3 w-3" /> End-to-end encrypted
        </p>
      </div>
      {peerAddress && <CopyButton value={peerAddress} label="address" />}
    </header>
  );
}
