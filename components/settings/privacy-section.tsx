"use client";
import { useState } from "react";
import { readReceiptsPref } from "@/components/session/storage";
import { SettingsSection } from "./settings-section";

/** Read receipts: on by default; off means others never learn when you read their messages. */
export function PrivacySection() {
  const [on, setOn] = useState(() => readReceiptsPref.get());
  return (
    <SettingsSection title="Privacy">
      <label className="flex cursor-pointer items-start gap-3">
        <input
          type="checkbox"
          data-testid="read-receipts-toggle"
          checked={on}
          onChange={(e) => {
            readReceiptsPref.set(e.target.checked);
            setOn(e.target.checked);
          }}
          className="mt-1 h-4 w-4 accent-indigo-600"
        />
        <span>
          <span className="block text-sm font-medium">Send read receipts</span>
          <span className="block text-sm text-zinc-600 dark:text-zinc-400">
            In one-to-one chats, the other person sees &ldquo;Seen&rdquo; once you have read their
            messages. Turning this off doesn&apos;t hide theirs from you.
          </span>
        </span>
      </label>
    </SettingsSection>
  );
}
