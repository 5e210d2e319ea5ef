// Runs in Chromium (bundled by esbuild, served on the node's origin): one member of a
// group whose client, database and all, lives in a persistent browser profile, so the
// test can SIGKILL the browser at a named step of a commit (or of a send) and start it
// again on the same IndexedDB. The test page exposes `commitStep(step)` (`sendStep`); it
// kills the browser when the step is the one asked for, and never answers.
import { privateKeyToAccount } from "viem/accounts";
import {
  Client,
  signerFromLocalAccount,
  type ClientTestHooks,
  type CommitStep,
  type SendStep,
} from "../../lib/client";

type Logged = { event: string; detail: Record<string, unknown> };

declare global {
  interface Window {
    commitStep?: (step: CommitStep) => Promise<void>;
    sendStep?: (step: SendStep) => Promise<void>;
    crashDriver: typeof driver;
  }
}

interface Who {
  apiUrl: string;
  privateKey: `0x${string}`;
}

const logs: Logged[] = [];

const commitHooks: ClientTestHooks = { commitStep: (step) => window.commitStep!(step) };

function open(who: Who, testHooks?: ClientTestHooks): Promise<Client> {
  return Client.create(signerFromLocalAccount(privateKeyToAccount(who.privateKey)), {
    apiUrl: who.apiUrl,
    dbName: "crash-member",
    log: (event, detail) => logs.push({ event, detail }),
    ...(testHooks ? { testHooks } : {}),
  });
}

/** Resolves once the client's stream is live (a send then takes its short path). */
function live(c: Client): Promise<void> {
  return new Promise((resolve) => {
    if (c.connection === "live") return resolve();
    const off = c.onConnectionChange((s) => {
      if (s !== "live") return;
      off();
      resolve();
    });
  });
}

const texts = async (c: Client, id: string) => {
  const g = await c.conversations.getById(id);
  return (await g!.messages())
    .filter((m) => m.contentType === "xmtp.org/text:1.0")
    .map((m) => m.content as string);
};

const driver = {
  /** Registers the installation (one signature), nothing else. */
  async register(who: Who): Promise<string> {
    const c = await open(who);
    await c.close();
    return c.inboxId;
  },

  /** Creates the group with `members` and says hello. */
  async setup(who: Who, members: readonly string[]): Promise<{ groupId: string; inboxId: string }> {
    const c = await open(who);
    const g = await c.conversations.newGroup([...members], { name: "crash" });
    await g.send("hello from the committer");
    await c.close();
    return { groupId: g.id, inboxId: c.inboxId };
  },

  /** Adds an inbox; the browser dies inside this call at the step the test chose. */
  async add(who: Who, groupId: string, inboxId: string): Promise<void> {
    const c = await open(who, commitHooks);
    const g = await c.conversations.getGroup(groupId);
    await g!.addMembers([inboxId]);
    await c.close();
  },

  /** Starts a DM; the browser dies inside this call at the step the test chose. */
  async dm(who: Who, address: string): Promise<void> {
    const c = await open(who, commitHooks);
    await c.conversations.newDm(address);
    await c.close();
  },

  /**
   * Starts a DM, writes once with the stream live, then writes `text`: the browser dies in
   * that second send at the step the test chose (its ciphertext stored, not yet sent).
   */
  async sendKilled(who: Who, address: string, text: string): Promise<void> {
    let armed = false;
    const c = await open(who, { sendStep: (step) => (armed ? window.sendStep!(step) : undefined) });
    const stop = c.startSync();
    await live(c);
    const dm = await c.conversations.newDm(address);
    await dm.send("before the crash");
    armed = true;
    await dm.send(text);
    stop();
    await c.close();
  },

  /** Reopens the client (its outbox goes out), writes once more and says what it holds. */
  async recoverSend(who: Who, address: string, text: string) {
    const c = await open(who);
    const stop = c.startSync();
    await live(c);
    const dm = await c.conversations.newDm(address);
    await dm.send(text);
    const result = {
      texts: await texts(c, dm.id),
      statuses: (await dm.messages()).map((m) => m.status),
    };
    stop();
    await c.close();
    return result;
  },

  /** Reopens the client, opens the DM with `address` (the one it has) and writes. */
  async recoverDm(who: Who, address: string, text: string) {
    const c = await open(who);
    await c.conversations.sync();
    const dm = await c.conversations.newDm(address);
    await dm.send(text);
    const result = {
      id: dm.id,
      dms: (await c.conversations.list()).filter((x) => x.kind === "dm").length,
      texts: await texts(c, dm.id),
      logs: logs.filter((l) => l.event.startsWith("commit")),
    };
    await c.close();
    return result;
  },

  /** Reopens the client (which finishes any interrupted commit), catches up and writes. */
  async recover(who: Who, groupId: string, text: string) {
    const c = await open(who);
    await c.conversations.sync();
    const g = (await c.conversations.getGroup(groupId))!;
    await g.send(text);
    const epoch = await g.epoch();
    const result = {
      epoch: epoch.epoch.toString(),
      authenticator: epoch.authenticator,
      members: (await g.members()).map((m) => m.inboxId).sort(),
      texts: await texts(c, groupId),
      logs: logs.filter((l) => l.event.startsWith("commit")),
    };
    await c.close();
    return result;
  },
};

window.crashDriver = driver;
