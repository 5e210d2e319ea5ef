// What opening a stream costs and how many a client may hold. Checked by each
// Subscribe* handler once the request is parsed, in this order:
//   1. a slot among the client's open streams: ResourceExhausted with retry-after;
//   2. read tokens, one per filter (the request gate took the first): catching up a
//      filter is a query, so a 5,000-filter stream is 5,000 reads, not one. Refused,
//      the filters are charged anyway (rate-limit.ts `debt`), and so are oversized
//      requests: retrying soon meets the gate's refusal, before any parsing;
//   3. the per-stream filter cap: InvalidArgument (the same request can never pass).
// Zero filters is the caller's to judge: XMTP's Subscribe*Messages take it (a client with
// no group yet keeps its stream open), our NodeApi.Subscribe refuses it.
// Slots are keyed like the rate limiter's buckets: (address, inbox) gets
// maxPerClient, the address as a whole ipMultiplier times that.
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import type { StreamLimitsConfig } from "../config";
import { invalidArgument } from "./errors";
import { INBOX_HEADER, peerKey, type RateLimiter } from "./rate-limit";

const INBOX_RE = /^[0-9a-f]{64}$/;
/** Seconds a client over its stream cap is told to wait. */
const STREAM_RETRY_S = 5;

export class StreamGuard {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly limits: StreamLimitsConfig,
    private readonly limiter: RateLimiter,
    private readonly ipMultiplier: number,
  ) {}

  /** Streams open now for this key (tests and diagnostics). */
  count(key: string): number {
    return this.open.get(key) ?? 0;
  }

  /** Charges and admits one stream of `filters` topics; call the result when it ends. */
  async admit(ctx: HandlerContext, filters: number): Promise<() => void> {
    const peer = ctx.values.get(peerKey);
    const rawInbox = ctx.requestHeader.get(INBOX_HEADER) ?? undefined;
    const inbox = rawInbox && INBOX_RE.test(rawInbox) ? rawInbox : "-";
    const keys: [string, number][] = [
      [`${peer}|${inbox}`, this.limits.maxPerClient],
      [peer, this.limits.maxPerClient * this.ipMultiplier],
    ];
    for (const [key, cap] of keys) {
      const n = this.count(key);
      if (n >= cap) {
        throw new ConnectError(
          `too many streams: ${n} streams open from this ${key === peer ? "address" : "client"}; at most ${cap} per ${key === peer ? "address" : "client"} (STREAM_MAX_PER_CLIENT${key === peer ? " × RATE_LIMIT_IP_MULTIPLIER" : ""}); close one (one multiplexed Subscribe per client is enough) or retry in ${STREAM_RETRY_S} s`,
          Code.ResourceExhausted,
          { "retry-after": String(STREAM_RETRY_S) },
        );
      }
    }
    // Reserve before any await, so racing opens cannot both take the last slot.
    for (const [key] of keys) this.open.set(key, this.count(key) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      for (const [key] of keys) {
        const n = this.count(key) - 1;
        if (n > 0) this.open.set(key, n);
        else this.open.delete(key);
      }
    };
    try {
      if (filters > 1) {
        await this.limiter.check({
          procedure: ctx.method.name,
          peer,
          inbox: rawInbox,
          streaming: true,
          cost: filters - 1,
          debt: true,
        });
      }
      const max = this.limits.maxFilters;
      if (filters > max) {
        throw invalidArgument(
          `filters has ${filters} entries; at most ${max} filters per stream (STREAM_MAX_FILTERS): split them over several streams or drop inactive topics`,
        );
      }
    } catch (err) {
      release();
      throw err;
    }
    return release;
  }
}
