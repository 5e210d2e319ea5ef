"use client";
import type { ReactNode } from "react";
import { shortAddress } from "@/components/format/address";
import { useName } from "@/components/names/use-name";
import { backToList } from "@/components/conversations/navigation";
import { Avatar } from "@/components/ui/avatar";
import { buttonStyles, focusRing } from "@/components/ui/button-styles";
import { CopyButton } from "@/components/ui/copy-button";
import { BackIcon, LockIcon } from "@/components/ui/icons";

type ShellProps = {
  avatar: ReactNode;
  title: string;
  /** Shown on hover (e.g. the full address). */
  titleHint?: string;
  mono?: boolean;
  subtitle: ReactNode;
  /** Makes avatar + title one button (a group's info). */
  onOpen?: () => void;
  openLabel?: string;
  children?: ReactNode;
};

/** The bar above a thread: on a phone the way back, then who it is with. */
export function ThreadHeaderShell(p: ShellProps) {
  const who = (
    <>
      {p.avatar}
      <span className="min-w-0 flex-1 pl-1 text-left">
        {/* A span with the heading role: the title may sit inside the info button. */}
        <span
          role="heading"
          aria-level={2}
          data-testid="conversation-title"
          className={`block truncate font-semibold ${p.mono ? "font-mono" : ""}`}
          title={p.titleHint}
        >
          {p.title}
        </span>
        <span className="flex items-center gap-1 overflow-hidden text-xs whitespace-nowrap text-zinc-500 dark:text-zinc-400">
          {p.subtitle}
        </span>
      </span>
    </>
  );
  return (
    <header className="relative z-20 flex items-center gap-0.5 border-b border-zinc-200 bg-white/90 px-2 py-2 backdrop-blur sm:gap-2 sm:px-4 dark:border-zinc-800 dark:bg-zinc-950/90">
      <button
        type="button"
        data-testid="back-to-list"
        aria-label="Back to conversations"
        className={`${buttonStyles.icon} md:hidden`}
        onClick={backToList}
      >
        <BackIcon className="h-6 w-6" />
      </button>
      {p.onOpen ? (
        <button
          type="button"
          data-testid="group-info"
          aria-label={p.openLabel}
          className={`-my-1 flex min-w-0 flex-1 items-center gap-2 rounded-xl py-1 pr-2 hover:bg-zinc-100 dark:hover:bg-zinc-800/70 ${focusRing}`}
          onClick={p.onOpen}
        >
          {who}
        </button>
      ) : (
        <div className="flex min-w-0 flex-1 items-center gap-2">{who}</div>
      )}
      {p.children}
    </header>
  );
}

export const encryptedNote = (
  <>
    <LockIcon className="h-3 w-3 shrink-0" />
    <span className="min-w-0 truncate">End-to-end encrypted</span>
  </>
);

/** A DM's header: the peer's address, copyable. */
export function ThreadHeader({
  peerAddress,
  name,
  remoteAvatar = false,
  actions,
}: {
  peerAddress?: string;
  name?: string;
  /** Whether the peer's avatar may load from its server (an accepted conversation). */
  remoteAvatar?: boolean;
  /** Buttons at the end of the bar (e.g. mute). */
  actions?: ReactNode;
}) {
  const known = useName(peerAddress, { remoteAvatar });
  const ensName = known?.name;
  const named = !name && ensName !== undefined;
  const title = name ?? ensName ?? shortAddress(peerAddress);
  return (
    <ThreadHeaderShell
      avatar={<Avatar seed={peerAddress ?? title} size="sm" imageUrl={known?.avatarUrl} />}
      title={title}
      titleHint={peerAddress}
      mono={!named}
      subtitle={
        named ? (
          // One line on a phone too: the address stays whole, the note gives way.
          <>
            <span className="shrink-0 whitespace-nowrap font-mono">
              {shortAddress(peerAddress)}
            </span>
            <span aria-hidden>·</span>
            <LockIcon className="h-3 w-3 shrink-0" />
            <span className="min-w-0 truncate whitespace-nowrap">End-to-end encrypted</span>
          </>
        ) : (
          encryptedNote
        )
      }
    >
      {peerAddress && <CopyButton value={peerAddress} label="address" />}
      {actions}
    </ThreadHeaderShell>
  );
}
