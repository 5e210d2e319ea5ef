// Content type strings as messages carry them. Views compare strings, so they need not
// import lib/content (which would pull the protocol stack into the first-load bundle).
export const CT = {
  text: "xmtp.org/text:1.0",
  markdown: "xmtp.org/markdown:1.0",
  reaction: "xmtp.org/reaction:1.0",
  reactionV2: "xmtp.org/reaction:2.0",
  reply: "xmtp.org/reply:1.0",
  readReceipt: "xmtp.org/readReceipt:1.0",
  attachment: "xmtp.org/attachment:1.0",
  remoteAttachment: "xmtp.org/remoteStaticAttachment:1.0",
  multiRemoteAttachment: "xmtp.org/multiRemoteStaticAttachment:1.0",
  groupUpdated: "xmtp.org/group_updated:1.0",
  leaveRequest: "xmtp.org/leave_request:1.0",
  deleteMessage: "xmtp.org/deleteMessage:1.0",
  editMessage: "xmtp.org/editMessage:1.0",
  joinRequest: "messenger.app/join_request:1.0",
  joinReply: "messenger.app/join_reply:1.0",
  inviteControl: "messenger.app/invite_control:1.0",
} as const;
