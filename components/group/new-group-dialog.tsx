"use client";
import { useState } from "react";
import type { PermissionPreset } from "@/lib/client";
import { useClient } from "@/components/client/client-context";
import { isClientError } from "@/components/client/errors";
import { openConversation } from "@/components/conversations/navigation";
import { buttonStyles } from "@/components/ui/button-styles";
import { Dialog } from "@/components/ui/dialog";
import { Spinner } from "@/components/ui/spinner";
import { FIELD_LIMITS, GroupField, imageUrlProblem } from "./group-fields";
import { MemberPicker } from "./member-picker";

/** "New group": members by address, name, description, image URL, who may do what. */
export function NewGroupDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="New group"
      description="Everyone you add can read what's said from now on — no one else, not even the node."
    >
      {open && <NewGroupForm onDone={onClose} />}
    </Dialog>
  );
}

const PRESETS: { value: PermissionPreset; title: string; detail: string }[] = [
  {
    value: "default",
    title: "Everyone",
    detail: "Any member can add people and edit the name, description and image.",
  },
  {
    value: "admins_only",
    title: "Admins only",
    detail: "Only admins can add people or edit the group.",
  },
];

function NewGroupForm({ onDone }: { onDone: () => void }) {
  const { client } = useClient();
  const [members, setMembers] = useState<string[]>([]);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [imageUrl, setImageUrl] = useState("");
  const [preset, setPreset] = useState<PermissionPreset>("default");
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string>();

  const imageProblem = imageUrlProblem(imageUrl);
  const tooLong =
    [...name].length > FIELD_LIMITS.name ||
    [...description].length > FIELD_LIMITS.description ||
    [...imageUrl].length > FIELD_LIMITS.imageUrl;
  const ready = members.length > 0 && !imageProblem && !tooLong && !creating;

  async function create() {
    if (!ready) return;
    setCreating(true);
    setError(undefined);
    try {
      const group = await client.conversations.newGroup(members, {
        name: name.trim(),
        description: description.trim(),
        imageUrl: imageUrl.trim(),
        permissions: preset,
      });
      openConversation(group.id);
      onDone();
    } catch (err) {
      setError(
        isClientError(err)
          ? `Couldn't create the group: ${err.message}.`
          : "Couldn't create the group. Check your connection and try again.",
      );
      setCreating(false);
    }
  }

  return (
    <form
      className="flex flex-col gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        void create();
      }}
    >
      <MemberPicker picked={members} onChange={setMembers} />
      <GroupField
        label="Name"
        testId="group-name-input"
        value={name}
        onChange={setName}
        limit={FIELD_LIMITS.name}
        placeholder="Weekend plans"
      />
      <GroupField
        label="Description"
        testId="group-description-input"
        value={description}
        onChange={setDescription}
        limit={FIELD_LIMITS.description}
        multiline
        placeholder="Optional"
      />
      <GroupField
        label="Image URL"
        testId="group-image-input"
        value={imageUrl}
        onChange={setImageUrl}
        limit={FIELD_LIMITS.imageUrl}
        placeholder="https://… (optional)"
        problem={imageProblem}
      />
      <fieldset>
        <legend className="text-sm font-medium">Who can add people and edit the group</legend>
        <div className="mt-1.5 grid gap-2 sm:grid-cols-2">
          {PRESETS.map((p) => (
            <label
              key={p.value}
              className="flex cursor-pointer gap-2.5 rounded-xl border border-zinc-300 p-3 has-checked:border-indigo-600 has-checked:bg-indigo-50 dark:border-zinc-700 dark:has-checked:border-indigo-400 dark:has-checked:bg-indigo-500/10"
            >
              <input
                type="radio"
                name="preset"
                data-testid={`group-preset-${p.value}`}
                value={p.value}
                checked={preset === p.value}
                onChange={() => setPreset(p.value)}
                className="mt-0.5 accent-indigo-600"
              />
              <span>
                <span className="block text-sm font-medium">{p.title}</span>
                <span className="block text-xs text-zinc-600 dark:text-zinc-400">{p.detail}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      {/* Stays in view while the form scrolls on a small screen. */}
      <div className="sticky bottom-0 -mx-6 -mb-6 flex items-center justify-end gap-2 border-t border-zinc-100 bg-white px-6 py-4 dark:border-zinc-800 dark:bg-zinc-900">
        <button type="button" className={buttonStyles.ghost} onClick={onDone}>
          Cancel
        </button>
        <button
          type="submit"
          data-testid="create-group"
          className={buttonStyles.primary}
          disabled={!ready}
          title={members.length === 0 ? "Add at least one member" : undefined}
        >
          {creating && <Spinner />}
          {creating ? "Creating…" : "Create group"}
        </button>
      </div>
    </form>
  );
}
