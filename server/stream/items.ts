// What the stream engine hands out: the filters a stream follows, the items it yields,
// and the direct-write seam under Connect (fast-path.ts). Its own file so the engine
// and the live fan-out (live-fan-out.ts) share them without importing each other.
import type { GroupMessageRow, WelcomeMessageRow } from "../store";
import type { TopicKey } from "./bus";

/** Rows per read, live or catching up; a full page means more may follow. */
export const STREAM_PAGE = 100;

export interface TopicFilter {
  kind: "g" | "w";
  /** Group id or installation key. */
  key: Uint8Array;
  topic: TopicKey;
  /** Exclusive. */
  cursor: bigint;
}

export type GroupItem = { kind: "group"; row: GroupMessageRow };
export type WelcomeItem = { kind: "welcome"; row: WelcomeMessageRow };
export type RowItem = GroupItem | WelcomeItem;

export type StreamItem = RowItem | { kind: "caught_up" } | { kind: "keepalive" };

/** Writes a stream's items straight into its response, below Connect (fast-path.ts). */
export interface DirectDelivery {
  /** Items may be written directly (the stream's first message went through Connect). */
  ready(): boolean;
  /**
   * Writes the items' frames in order, now. `room`: the response is over its send
   * buffer after `written` items; write nothing more for this stream until it settles.
   */
  write(items: readonly StreamItem[]): { written: number; room?: Promise<void> };
}

/** Rows come in ascending id order; any at or below the cursor were sent already. */
export function after<T extends RowItem>(items: readonly T[], cursor: bigint): readonly T[] {
  let from = 0;
  while (from < items.length && items[from]!.row.id <= cursor) from++;
  return from === 0 ? items : items.slice(from);
}
