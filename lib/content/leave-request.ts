// xmtp.org/leave_request:1.0: a member asks to leave. MLS does not let a member commit its
// own removal, so the members allowed to remove (by the group's policy) do it on receipt.
// Content: LeaveRequest{optional bytes authenticated_note = 1}; we send it empty.

import type { ContentCodec } from "./codec";
import type { ContentTypeId } from "./content-type";

export const ContentTypeLeaveRequest: ContentTypeId = Object.freeze({
  authorityId: "xmtp.org",
  typeId: "leave_request",
  versionMajor: 1,
  versionMinor: 0,
});

export type LeaveRequestContent = Record<string, never>;

export const leaveRequestCodec: ContentCodec<LeaveRequestContent> = {
  contentType: ContentTypeLeaveRequest,
  encode: () => ({
    type: { ...ContentTypeLeaveRequest },
    parameters: {},
    content: new Uint8Array(0),
  }),
  decode: () => ({}),
  fallback: () => "left the group",
  shouldPush: () => false,
};
