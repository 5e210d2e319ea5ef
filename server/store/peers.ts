// Which other nodes listen on this database, so that a node alone skips its sends'
// wake-ups: each is its own transaction with a NOTIFY (~0.2 ms of database time per
// send statement and a tenth of the node's CPU per single send, bench/README.md, session
// 15), and with no other node nobody hears them. Correctness never rests on "alone":
//   - a node starting says hello (a heartbeat line) once it listens, and waits until
//     every other listener of the database (counted in pg_stat_activity) has answered;
//     a node hearing a node it did not know stops skipping wake-ups for good, then
//     answers at once with its own heartbeat;
//   - sends that started while alone and finish after that announce their rows after
//     all (the Notifier), and only then does a node that was alone send the newcomer an
//     ack: rows it committed unannounced before, the newcomer's streams read again
//     (bus resync) when the ack arrives, as after a lost listener connection;
//   - heartbeats repeat every HEARTBEAT_MS, so a hello missed (a listener reconnecting)
//     is made up within that time.
// Control lines travel in the wake-up payloads' own form "<node> <topic> <id>", with
// topics no envelope has ("~hb", "~ack:<node>"), so an older node publishes them to
// nobody instead of reporting them.
import { errorFields, log } from "../log";

export const HEARTBEAT_MS = 2_000;
/** How long a starting node waits for the other listeners' answers. */
export const HELLO_WAIT_MS = 2_000;

const HEARTBEAT = "~hb";
const ACK = "~ack:";

export class Peers {
  private readonly known = new Set<string>();
  /** Sends in flight that started while alone: each settles once finished and announced if needed. */
  private readonly quiet = new Set<Promise<void>>();
  private heard: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly nodeId: string,
    /** Sends one payload of lines on the channel (NOTIFY, not waiting for the disk). */
    private readonly send: (payload: string) => Promise<void>,
    /** Every stream of this node reads its topics again (rows may have gone unannounced). */
    private readonly resync: () => void,
  ) {}

  /** No other node is known: sends skip their wake-ups. */
  get alone(): boolean {
    return this.known.size === 0;
  }

  /**
   * Says hello and waits (at most HELLO_WAIT_MS) until `others` nodes have answered, then
   * heartbeats every HEARTBEAT_MS until stop().
   */
  async start(others: number): Promise<void> {
    const answered = new Promise<void>((resolve) => {
      this.heard = () => {
        if (this.known.size >= others) resolve();
      };
      this.heard();
    });
    await this.beat();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), HELLO_WAIT_MS);
    });
    if (await Promise.race([answered.then(() => false), late]))
      log.warn("not every node listening on the database answered", {
        listening: others,
        answered: this.known.size,
      });
    clearTimeout(timer);
    this.heard = undefined;
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  /** No more heartbeats or acks (the store is closing its connections). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /**
   * A send that started while alone: `done` settles once it finished (and announced its
   * rows if the node was no longer alone by then).
   */
  track(done: Promise<void>): void {
    this.quiet.add(done);
    void done.finally(() => this.quiet.delete(done));
  }

  /** A payload line from another node; true if it was a control line (not an envelope's topic). */
  onLine(origin: string, topic: string): boolean {
    this.meet(origin);
    if (!topic.startsWith("~")) return false;
    if (topic === ACK + this.nodeId) this.resync();
    return true;
  }

  private meet(origin: string): void {
    if (this.known.has(origin)) return;
    const wasAlone = this.alone;
    this.known.add(origin);
    this.heard?.();
    void this.beat();
    if (!wasAlone) return;
    // Our unannounced rows: the quiet sends still running announce theirs; once they
    // have, the newcomer reads again whatever committed before.
    void Promise.allSettled([...this.quiet]).then(() =>
      this.say(`${ACK}${origin}`, "peer ack failed"),
    );
  }

  private beat(): Promise<void> {
    return this.say(HEARTBEAT, "heartbeat failed");
  }

  /** One control line; a failure is logged unless the store closed meanwhile. */
  private async say(topic: string, failed: string): Promise<void> {
    if (this.stopped) return;
    await this.send(`${this.nodeId} ${topic} 0`).catch((err: unknown) => {
      if (!this.stopped) log.warn(failed, errorFields(err));
    });
  }
}
