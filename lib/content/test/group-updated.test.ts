import { describe, expect, it } from "vitest";
import {
  ContentTypeGroupUpdated,
  contentTypeToString,
  decodeEncodedContent,
  defaultRegistry,
  encodeEncodedContent,
  type GroupUpdatedContent,
} from "../index";

describe("group_updated:1.0", () => {
  it("round-trips who changed what through the GroupUpdated protobuf", async () => {
    const content: GroupUpdatedContent = {
      initiatedByInboxId: "a".repeat(64),
      addedInboxes: ["b".repeat(64)],
      removedInboxes: ["c".repeat(64)],
      metadataFieldChanges: [
        { fieldName: "group_name", oldValue: "old", newValue: "new" },
        { fieldName: "description", newValue: "first" },
      ],
      leftInboxes: ["d".repeat(64)],
      addedAdminInboxes: ["b".repeat(64)],
      removedSuperAdminInboxes: ["e".repeat(64)],
    };
    const registry = defaultRegistry();
    const encoded = registry.encode(ContentTypeGroupUpdated, content);
    expect(contentTypeToString(encoded.type)).toBe("xmtp.org/group_updated:1.0");
    const bytes = encodeEncodedContent(encoded);
    const decoded = await registry.decodeBytes(bytes);
    expect(decoded.content).toEqual(content);
    expect(decodeEncodedContent(bytes).content.length).toBeGreaterThan(0);
  });

  it("reads lines written before the role and leave lists existed (fields 5-9 absent)", async () => {
    const registry = defaultRegistry();
    const plain = {
      initiatedByInboxId: "a".repeat(64),
      addedInboxes: [],
      removedInboxes: ["c".repeat(64)],
      metadataFieldChanges: [],
    };
    const bytes = encodeEncodedContent(registry.encode(ContentTypeGroupUpdated, plain));
    expect((await registry.decodeBytes(bytes)).content).toEqual(plain);
  });

  it("refuses bytes that are not a GroupUpdated", async () => {
    const registry = defaultRegistry();
    const encoded = registry.encode(ContentTypeGroupUpdated, {
      initiatedByInboxId: "a".repeat(64),
      addedInboxes: [],
      removedInboxes: [],
      metadataFieldChanges: [],
    });
    const broken = encodeEncodedContent({
      ...encoded,
      content: new Uint8Array([0xff, 0xff, 0xff]),
    });
    await expect(registry.decodeBytes(broken)).rejects.toThrow(/GroupUpdated/);
  });
});
