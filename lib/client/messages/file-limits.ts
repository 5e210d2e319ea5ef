// How many files one message carries. No imports: views read it without pulling the
// protocol stack into their bundle.

/** XMTP sets no count; this keeps the thread's grid and one upload batch sane. */
export const MAX_FILES_PER_MESSAGE = 10;
