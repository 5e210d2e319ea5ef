import { describe, expect, it } from "vitest";
import { describeGroupUpdate, type GroupUpdate } from "../group-update-line";

const A = "a".repeat(64);
const B = "b".repeat(64);
const C = "c".repeat(64);
const names: Record<string, string> = { [A]: "You", [B]: "0xbbbb…bbbb", [C]: "0xcccc…cccc" };
const name = (id: string) => names[id] ?? "?";
const base: GroupUpdate = {
  initiatedByInboxId: B,
  addedInboxes: [],
  removedInboxes: [],
  metadataFieldChanges: [],
};

describe("group update lines", () => {
  it("says who did what, with 'you' for this inbox in either place", () => {
    expect(describeGroupUpdate({ ...base, removedInboxes: [A] }, name)).toEqual([
      "0xbbbb…bbbb removed you",
    ]);
    expect(
      describeGroupUpdate({ ...base, initiatedByInboxId: A, addedInboxes: [B, C] }, name),
    ).toEqual(["You added 0xbbbb…bbbb and 0xcccc…cccc"]);
  });

  it("a leave reads as 'left', renames quote the new name, role changes are named", () => {
    expect(
      describeGroupUpdate(
        {
          ...base,
          leftInboxes: [C],
          metadataFieldChanges: [{ fieldName: "group_name", oldValue: "x", newValue: "Trip" }],
          addedAdminInboxes: [A],
          removedSuperAdminInboxes: [C],
        },
        name,
      ),
    ).toEqual([
      "0xcccc…cccc left the group",
      "0xbbbb…bbbb renamed the group “Trip”",
      "0xbbbb…bbbb made you admin",
      "0xbbbb…bbbb removed 0xcccc…cccc as super admin",
    ]);
    expect(
      describeGroupUpdate(
        { ...base, metadataFieldChanges: [{ fieldName: "group_name", oldValue: "x" }] },
        name,
      ),
    ).toEqual(["0xbbbb…bbbb removed the group name"]);
  });

  it("a change it cannot describe produces no line", () => {
    expect(describeGroupUpdate(base, name)).toEqual([]);
  });

  it("a timer change reads as a sentence with its duration, once per change", () => {
    const timer = (newValue: string) => ({
      ...base,
      metadataFieldChanges: [
        { fieldName: "message_disappear_from_ns", oldValue: "0", newValue: "1700000000000000000" },
        { fieldName: "message_disappear_in_ns", oldValue: "0", newValue },
      ],
    });
    expect(describeGroupUpdate(timer("3600000000000"), name)).toEqual([
      "0xbbbb…bbbb set messages to disappear after 1 hour",
    ]);
    expect(describeGroupUpdate({ ...timer("300000000000"), initiatedByInboxId: A }, name)).toEqual([
      "You set messages to disappear after 5 minutes",
    ]);
    expect(describeGroupUpdate(timer("0"), name)).toEqual([
      "0xbbbb…bbbb turned off disappearing messages",
    ]);
  });
});
