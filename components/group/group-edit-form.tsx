"use client";
import { useState } from "react";
import type { GroupDetails } from "@/lib/client";
import { buttonStyles } from "@/components/ui/button-styles";
import { Spinner } from "@/components/ui/spinner";
import { FIELD_LIMITS, GroupField, imageUrlProblem } from "./group-fields";
import { whyNot } from "./permission-copy";
import type { GroupAction } from "./use-group-action";

/** Name, description and image URL; each field locked (with the reason) when the policy says so. */
export function GroupEditForm({
  details,
  action,
  onDone,
}: {
  details: GroupDetails;
  action: GroupAction;
  onDone: () => void;
}) {
  const [name, setName] = useState(details.name);
  const [description, setDescription] = useState(details.description);
  const [imageUrl, setImageUrl] = useState(details.imageUrl);
  const imageProblem = imageUrlProblem(imageUrl);
  const changed =
    name.trim() !== details.name ||
    description.trim() !== details.description ||
    imageUrl.trim() !== details.imageUrl;

  async function save() {
    // One commit per field, as XMTP does; each shows up as its own line in the thread.
    const ok = await action.run("save", async (g) => {
      if (name.trim() !== details.name) await g.updateName(name.trim());
      if (description.trim() !== details.description) await g.updateDescription(description.trim());
      if (imageUrl.trim() !== details.imageUrl) await g.updateImageUrl(imageUrl.trim());
    });
    if (ok) onDone();
  }

  return (
    <form
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (changed && !imageProblem) void save();
      }}
    >
      <GroupField
        label="Name"
        testId="edit-group-name"
        value={name}
        onChange={setName}
        limit={FIELD_LIMITS.name}
        disabledReason={whyNot(details.can.update_group_name, "update_group_name")}
      />
      <GroupField
        label="Description"
        testId="edit-group-description"
        value={description}
        onChange={setDescription}
        limit={FIELD_LIMITS.description}
        multiline
        disabledReason={whyNot(details.can.update_description, "update_description")}
      />
      <GroupField
        label="Image URL"
        testId="edit-group-image"
        value={imageUrl}
        onChange={setImageUrl}
        limit={FIELD_LIMITS.imageUrl}
        problem={imageProblem}
        placeholder="https://…"
        disabledReason={whyNot(details.can.update_image_url, "update_image_url")}
      />
      <div className="flex justify-end gap-2">
        <button type="button" className={buttonStyles.ghost} onClick={onDone}>
          Cancel
        </button>
        <button
          type="submit"
          data-testid="save-group-info"
          className={buttonStyles.primary}
          disabled={!changed || !!imageProblem || action.busy !== undefined}
        >
          {action.busy === "save" && <Spinner />}
          Save
        </button>
      </div>
    </form>
  );
}
