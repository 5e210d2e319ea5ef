"use client";
import Link from "next/link";
import { useId, useState } from "react";
import { useClient } from "@/components/client/client-context";
import { isClientError } from "@/components/client/errors";
import { buttonStyles, focusRing } from "@/components/ui/button-styles";
import { Dialog } from "@/components/ui/dialog";
import { Spinner } from "@/components/ui/spinner";
import { openConversation } from "./navigation";
import { ReachabilityStatus } from "./reachability-status";
import { useCanMessage } from "./use-can-message";

/** "New message": type an address, see whether it can be messaged, Enter opens the DM. */
export function NewMessageDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { client } = useClient();
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="New message"
      description={
        client.names.enabled
          ? "Message anyone by their wallet address or ENS name."
          : "Message anyone by their wallet address."
      }
    >
      {open && <NewMessageForm onDone={onClose} />}
    </Dialog>
  );
}

function NewMessageForm({ onDone }: { onDone: () => void }) {
  const { client } = useClient();
  const [value, setValue] = useState("");
  const [opening, setOpening] = useState(false);
  const [error, setError] = useState<string>();
  const reach = useCanMessage(client, value);
  const statusId = useId();
  const inputId = useId();

  async function start() {
    if (reach.kind !== "reachable" || opening) return;
    setOpening(true);
    setError(undefined);
    try {
      const conversation = await client.conversations.newDm(reach.address);
      openConversation(conversation.id);
      onDone();
    } catch (err) {
      setError(
        isClientError(err)
          ? `Couldn't start the conversation: ${err.message}.`
          : "Couldn't start the conversation. Check your connection and try again.",
      );
      setOpening(false);
    }
  }

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void start();
      }}
    >
      <label htmlFor={inputId} className="text-sm font-medium">
        To
      </label>
      <input
        id={inputId}
        data-testid="address-input"
        autoFocus
        autoComplete="off"
        autoCapitalize="off"
        autoCorrect="off"
        spellCheck={false}
        inputMode="text"
        placeholder={client.names.enabled ? "0x… or name.eth" : "0x…"}
        aria-describedby={statusId}
        aria-invalid={reach.kind === "invalid" ? true : undefined}
        value={value}
        onChange={(e) => {
          setValue(e.target.value);
          setError(undefined);
        }}
        className={`mt-1.5 w-full rounded-xl border border-zinc-300 bg-white px-3.5 py-2.5 font-mono text-base sm:text-sm dark:border-zinc-700 dark:bg-zinc-950 ${focusRing}`}
      />
      <ReachabilityStatus r={reach} id={statusId} namesEnabled={client.names.enabled} />
      {error && (
        <p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      <p className="mt-4 text-sm text-zinc-600 dark:text-zinc-400">
        Same message to many people?{" "}
        <Link
          href="/broadcast"
          data-testid="open-broadcast"
          className="font-medium text-indigo-700 underline dark:text-indigo-300"
        >
          Broadcast
        </Link>
      </p>
      <div className="mt-6 flex justify-end gap-2">
        <button type="button" className={buttonStyles.ghost} onClick={onDone}>
          Cancel
        </button>
        <button
          type="submit"
          data-testid="start-conversation"
          className={buttonStyles.primary}
          disabled={reach.kind !== "reachable" || opening}
        >
          {opening && <Spinner />}
          {opening ? "Opening…" : "Start conversation"}
        </button>
      </div>
    </form>
  );
}
