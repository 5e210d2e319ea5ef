"use client";
import Link from "next/link";
import { useState } from "react";
import { buttonStyles } from "@/components/ui/button-styles";
import { ComposeIcon, SettingsIcon, UsersIcon } from "@/components/ui/icons";
import { BroadcastBanner } from "@/components/broadcast/broadcast-banner";
import { NewGroupDialog } from "@/components/group/new-group-dialog";
import { useClient } from "@/components/client/client-context";
import { SearchField } from "@/components/search/search-field";
import { SearchResults } from "@/components/search/search-results";
import { useSearch } from "@/components/search/use-search";
import { ConnectionStatus } from "./connection-status";
import { ConversationList } from "./conversation-list";
import { InboxTabs } from "./inbox-tabs";
import { NewMessageDialog } from "./new-message-dialog";

/** The left column: title, connection, settings, "New message", search, and the list. */
export function ListPane({ openId }: { openId: string | null }) {
  const [composing, setComposing] = useState(false);
  const [grouping, setGrouping] = useState(false);
  const [tab, setTab] = useState<"allowed" | "unknown">("allowed");
  const { client } = useClient();
  const [query, setQuery] = useState("");
  const found = useSearch(client, query);
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <header className="flex items-center gap-2 px-4 pt-4 pb-2">
        <div className="min-w-0 flex-1">
          <h1 className="text-2xl font-semibold tracking-tight">Messages</h1>
          <ConnectionStatus />
        </div>
        <Link
          href="/settings"
          data-testid="settings"
          aria-label="Settings"
          title="Settings"
          className={buttonStyles.icon}
        >
          <SettingsIcon />
        </Link>
        <button
          type="button"
          data-testid="new-group"
          aria-label="New group"
          title="New group"
          className={buttonStyles.icon}
          onClick={() => setGrouping(true)}
        >
          <UsersIcon />
        </button>
        <button
          type="button"
          data-testid="new-conversation"
          aria-label="New message"
          title="New message"
          className={buttonStyles.iconPrimary}
          onClick={() => setComposing(true)}
        >
          <ComposeIcon />
        </button>
      </header>
      <BroadcastBanner />
      <SearchField value={query} onChange={setQuery} />
      {query.trim() ? (
        <SearchResults state={found} myInboxId={client.inboxId} />
      ) : (
        <>
          <InboxTabs tab={tab} onChange={setTab} />
          <ConversationList openId={openId} onNewMessage={() => setComposing(true)} consent={tab} />
        </>
      )}
      <NewMessageDialog open={composing} onClose={() => setComposing(false)} />
      <NewGroupDialog open={grouping} onClose={() => setGrouping(false)} />
    </div>
  );
}
