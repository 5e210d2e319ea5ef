import { backoffDelay, ResumableSubscription, type Topic } from "../../api";
import { fromHex, toHex } from "../../crypto";
import {
  allCursors,
  deleteSpentKeyPackages,
  getCursor,
  groupTopic,
  welcomeTopic,
} from "../../storage";
import type { ClientContext } from "../context";
import type { ConnectionState } from "../types";
import { applyGroupEnvelope } from "./receive";
import { applyWelcome } from "./welcome";
import { resumeOutbox } from "./send";
import { takeAdoptedGroups } from "../groups/lineages";
import { setStreamLive } from "./live-streams";
import type { ReceiveLog } from "../types";

/**
 * The client's ONE live subscription: its welcome topic plus every group, each
 * from its stored cursor. Runs while anyone listens (reference-counted).
 */
export class StreamEngine {
  private sub?: ResumableSubscription;
  private loop?: Promise<void>;
  private users = 0;
  private state: ConnectionState = "idle";
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();

  get connection(): ConnectionState {
    return this.state;
  }

  onConnectionChange(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private setState(next: ConnectionState): void {
    if (next === this.state) return;
    this.state = next;
    setStreamLive(this.ctx, next === "live");
    for (const l of this.stateListeners) l(next);
  }

  constructor(
    private readonly ctx: ClientContext,
    private readonly log?: ReceiveLog,
  ) {}

  acquire(): void {
    if (this.users++ === 0) this.loop = this.run();
  }

  release(): void {
    if (--this.users > 0) return;
    this.users = 0;
    this.sub?.close();
    this.sub = undefined;
    this.setState("idle");
  }

  /** A group this client just created or joined joins the stream. */
  addGroup(groupId: string, cursor = 0n): void {
    this.sub?.addTopics([{ topic: { kind: "group", id: fromHex(groupId) }, cursor }]);
  }

  async stopped(): Promise<void> {
    await this.loop;
  }

  private async run(): Promise<void> {
    const cursors = await allCursors(this.ctx.db);
    const welcome = toHex(this.ctx.installation.publicKey);
    const topics: { topic: Topic; cursor: bigint }[] = [
      {
        topic: { kind: "welcome", id: this.ctx.installation.publicKey },
        cursor: cursors.get(welcomeTopic(welcome)) ?? 0n,
      },
    ];
    for (const g of await this.ctx.db.groups.toArray()) {
      topics.push({
        topic: { kind: "group", id: fromHex(g.groupId) },
        cursor: cursors.get(groupTopic(g.groupId)) ?? 0n,
      });
    }
    if (this.users === 0) return;
    this.setState("connecting");
    const sub = new ResumableSubscription(this.ctx.api, topics);
    this.sub = sub;
    let failures = 0;
    for await (const event of sub) {
      try {
        if (event.kind === "group") {
          await applyGroupEnvelope(this.ctx, event.message, this.log);
          // A welcome lineage was adopted (groups/lineages.ts): what waited goes to the winner.
          if (takeAdoptedGroups(this.ctx).length > 0) await resumeOutbox(this.ctx);
        } else if (event.kind === "welcome") {
          const joined = await applyWelcome(this.ctx, event.message, this.log);
          if (joined)
            sub.addTopics([{ topic: { kind: "group", id: fromHex(joined) }, cursor: 0n }]);
        } else if (event.kind === "caught_up") {
          // The welcome backlog is read: no pending welcome needs a spent key package.
          await deleteSpentKeyPackages(this.ctx.db);
          this.setState("live");
        } else if (event.kind === "disconnected") {
          this.setState("reconnecting");
          this.log?.("stream_disconnected", {
            error: event.error.message,
            retryInMs: event.retryInMs,
          });
        }
      } catch (err) {
        // Not applied (node or identity lookup unreachable, storage busy): the stored
        // cursor did not move; after a pause, ask the node for it again.
        this.log?.("stream_apply_failed", { error: (err as Error).message });
        if (event.kind === "group" || event.kind === "welcome") {
          const topic: Topic =
            event.kind === "group"
              ? { kind: "group", id: event.message.groupId }
              : { kind: "welcome", id: this.ctx.installation.publicKey };
          const key =
            event.kind === "group"
              ? groupTopic(toHex(event.message.groupId))
              : welcomeTopic(welcome);
          const pauseMs = 500 + backoffDelay(failures++, { baseMs: 500, maxMs: 10_000 });
          sub.rewind(topic, await getCursor(this.ctx.db, key), pauseMs);
        }
        continue;
      }
      failures = 0;
    }
  }
}
