import { fromHex, toHex } from "../../crypto";
import { AsyncQueue } from "../../api";
import {
  commitChanges,
  createGroup,
  dmMetadata,
  dmPermissions,
  COMMIT_LOG_SIGNER_ATTRIBUTE,
  newCommitLogSignerAttribute,
  MAX_GROUP_SIZE,
  METADATA_FIELDS,
  MlsError,
  presetPermissions,
  type PermissionPreset,
  welcomeRecipientOf,
} from "../../mls";
import {
  conversationsByDmId,
  dmIdFor,
  getConversation,
  deleteSpentKeyPackages,
  getCursor,
  groupVersionOf,
  groupTopic,
  listConversations,
  loadConversationPrefs,
  readConversationList,
  type ConversationPrefRow,
  upsertConversation,
  welcomeTopic,
  type ConsentState,
  type ConversationRow,
} from "../../storage";
import {
  consentStateArgument,
  consentsFrom,
  effectiveConsent,
  setConsent,
} from "../consent/consent";
import type { ClientContext } from "../context";
import { Conversation } from "./conversation";
import { showOnScreen } from "./on-screen";
import { prefsOf } from "../organize/organize";
import { Group } from "../groups/group";
import { runGroupChange } from "../groups/commit";
import { publishOwnCommit } from "../groups/publish-commit";
import { planAdd, resolveInboxes } from "../groups/plans";
import { ClientError, normalizeAddress } from "../errors";
import { verifiedInboxIds } from "../inbox-lookup";
import { checkInstallationsAhead } from "../groups/installations";
import { takeGenerationAhead } from "../groups/ready";
import { holdGroupLock, saveGroup, withGroupLock } from "../groups/state";
import { applyGroupEnvelope } from "../messages/receive";
import { messagesOf } from "../messages/page";
import { applyWelcome } from "../messages/welcome";
import { resumeOutbox } from "../messages/send";
import { takeAdoptedGroups } from "../groups/lineages";
import type { ReceiveLog } from "../types";
import type { StreamEngine } from "../messages/stream";
import type { ConversationSummary, DecodedMessage } from "../types";

const nowNs = () => BigInt(Date.now()) * 1_000_000n;

export class Conversations {
  constructor(
    private readonly ctx: ClientContext,
    private readonly engine: StreamEngine,
    private readonly log?: ReceiveLog,
  ) {}

  /**
   * Most recent activity first; duplicate DM groups with one peer show as one ("stitching").
   * `consent` keeps only conversations in those effective states (default: all): the inbox
   * is ["allowed"], Requests ["unknown"], blocked ["denied"].
   */
  async list(opts: { consent?: ConsentState[] } = {}): Promise<Conversation[]> {
    // Checked synchronously: awaiting a non-Dexie promise first would detach a live query.
    const wanted = opts.consent?.map(consentStateArgument);
    const { rows: all, consent: records, prefs } = await readConversationList(this.ctx.db);
    const seen = new Set<string>();
    const shown: ConversationRow[] = [];
    for (const row of all) {
      if (row.kind === "sync") continue; // the devices' own channel, not a conversation
      if (row.dmId) {
        if (seen.has(row.dmId)) continue;
        seen.add(row.dmId);
      }
      shown.push(row);
    }
    const consent = consentsFrom(records, shown, all);
    const out: Conversation[] = [];
    for (const row of shown) {
      const state = consent.get(row.id) ?? "unknown";
      if (!wanted || wanted.includes(state)) out.push(this.wrap(row, state, prefsOf(prefs, row)));
    }
    return out;
  }

  /** The DM with this address that this client already has, if any (local only). */
  async findDmByAddress(address: string): Promise<Conversation | undefined> {
    const peerAddress = normalizeAddress(address);
    // Addresses are sealed: open the list (already newest first) and look. A peer inbox whose
    // verified log (when known here) has dropped the address is not its DM.
    const stillHeld = (inboxId?: string) => {
      const state = inboxId ? this.ctx.resolver.cached(inboxId) : undefined;
      return !state || state.addresses.has(peerAddress);
    };
    const rows = (await listConversations(this.ctx.db)).filter(
      (r) => r.kind === "dm" && r.peerAddress === peerAddress && stillHeld(r.peerInboxId),
    );
    return rows[0] && this.wrap(rows[0], await effectiveConsent(this.ctx, rows[0]));
  }

  /**
   * Plain rows for views, with effective consent (a Dexie read only, consent table
   * included: use inside a live query and it re-runs when consent changes).
   */
  async summaries(opts: { consent?: ConsentState[] } = {}): Promise<ConversationSummary[]> {
    return (await this.list(opts)).map((c) => c.summary());
  }

  /**
   * While a conversation is on screen (its thread shown in a visible page, and accepted),
   * what arrives there is stored read. Call the returned function when it no longer is.
   */
  showing(id: string): () => void {
    return showOnScreen(this.ctx, id);
  }

  /** Sum of unread messages across allowed conversations: requests and blocked ones don't count. */
  async unreadTotal(): Promise<number> {
    return (await this.list({ consent: ["allowed"] })).reduce((n, c) => n + c.unreadCount, 0);
  }

  async getById(id: string): Promise<Conversation | undefined> {
    const row = await getConversation(this.ctx.db, id);
    if (!row) return undefined;
    const consent = await effectiveConsent(this.ctx, row);
    return this.wrap(row, consent, prefsOf(await loadConversationPrefs(this.ctx.db), row));
  }

  /**
   * A page of a conversation's messages (as Conversation.messages) without reading its row:
   * for live views that should re-run on that thread's messages only.
   */
  messagesOf(
    id: string,
    opts: { limit?: number; beforeNs?: bigint } = {},
  ): Promise<DecodedMessage[]> {
    return messagesOf(this.ctx, id, opts);
  }

  /**
   * Changes when the conversation's state took a commit or this member was removed, without
   * opening the state (a send does not change it); null when this installation holds no state
   * for it (see isJoined) or the id is unknown. Everything a group's info screen shows
   * changes only then. One read of the groups table: a thread's live query re-runs it after
   * every message.
   */
  async stateVersion(id: string): Promise<string | null> {
    return (await groupVersionOf(this.ctx.db, id)) ?? null;
  }

  /**
   * Whether this installation holds the conversation's MLS state. A conversation restored
   * from a backup (or handed over by history sync) before a member's app added this device
   * is readable but not joined: nothing can be sent there yet.
   */
  async isJoined(id: string): Promise<boolean> {
    return (await groupVersionOf(this.ctx.db, id)) !== undefined;
  }

  /** A group by id (undefined for a DM or an unknown id). */
  async getGroup(id: string): Promise<Group | undefined> {
    const row = await getConversation(this.ctx.db, id);
    if (row?.kind !== "group") return undefined;
    const consent = await effectiveConsent(this.ctx, row);
    const prefs = prefsOf(await loadConversationPrefs(this.ctx.db), row);
    return new Group(this.ctx, row, this.log, consent, prefs);
  }

  private wrap(
    row: ConversationRow,
    consent: ConsentState,
    prefs: ConversationPrefRow = {},
  ): Conversation {
    return row.kind === "group"
      ? new Group(this.ctx, row, this.log, consent, prefs)
      : new Conversation(this.ctx, row, consent, prefs);
  }

  /**
   * A new group: this inbox is its creator and first super admin; every current
   * installation of each member (and this inbox's other installations) is added in
   * one commit. Resolves once that commit won; welcomes go out after it.
   */
  async newGroup(
    addressesOrInboxIds: string[],
    opts: {
      name?: string;
      description?: string;
      imageUrl?: string;
      permissions?: PermissionPreset;
    } = {},
  ): Promise<Group> {
    const preset = opts.permissions ?? "default";
    if (preset !== "default" && preset !== "admins_only")
      throw new ClientError("invalid_argument", `permissions must be "default" or "admins_only"`);
    const inboxes = await resolveInboxes(this.ctx, addressesOrInboxIds);
    const self = this.ctx.installation.inboxId;
    const max = this.ctx.maxGroupSize ?? MAX_GROUP_SIZE;
    const size = new Set([self, ...inboxes]).size;
    if (size > max)
      throw new ClientError(
        "group_too_large",
        `a group holds at most ${max} inboxes, this one would hold ${size}`,
      );
    // Every field present, "" when unset, as libxmtp's new_default: its SDK fails to read
    // a group whose metadata lacks one ("missing extension").
    const attributes: Record<string, string> = {
      [METADATA_FIELDS.name]: opts.name ?? "",
      [METADATA_FIELDS.description]: opts.description ?? "",
      [METADATA_FIELDS.imageUrl]: opts.imageUrl ?? "",
    };
    // Signs the group's commit-log entries (fork detection, forks/); members read it, the node cannot.
    attributes[COMMIT_LOG_SIGNER_ATTRIBUTE] = newCommitLogSignerAttribute();
    const own = await this.ctx.resolver.latest(self);
    let group;
    try {
      group = await createGroup({
        signer: this.ctx.installation,
        metadata: { conversationType: "group", creatorInboxId: self },
        context: {
          metadata: { attributes, admins: [], superAdmins: [self] },
          membership: new Map([[self, own?.sequenceId ?? 0n]]),
          permissions: presetPermissions(preset),
        },
      });
    } catch (err) {
      if (err instanceof MlsError && err.code === "invalid_argument")
        throw new ClientError("invalid_argument", err.message);
      throw err;
    }
    const groupId = toHex(group.groupId);
    await withGroupLock(this.ctx, groupId, () => saveGroup(this.ctx, group));
    const row = await upsertConversation(this.ctx.db, {
      id: groupId,
      kind: "group",
      createdAtNs: nowNs(),
      ...(opts.name ? { name: opts.name } : {}),
    });
    // Creating a conversation is choosing to talk there (PROTOCOL §5).
    await setConsent(this.ctx, [
      { entity: { kind: "conversation", id: groupId }, state: "allowed" },
    ]);
    this.engine.addGroup(groupId);
    await runGroupChange(
      this.ctx,
      groupId,
      { op: "add", inboxes, ownInstallations: true },
      this.log,
    );
    return new Group(
      this.ctx,
      (await getConversation(this.ctx.db, groupId)) ?? row,
      this.log,
      "allowed",
    );
  }

  /** The DM with an address: the existing one, or a new MLS group with every installation of both inboxes. */
  /** A DM with an address, or an ENS name ("alice.eth") when names are configured. */
  async newDm(addressOrName: string): Promise<Conversation> {
    const peerAddress = await this.ctx.names.resolve(addressOrName);
    // An existing DM opens from the local database, with no network (works offline).
    const local = await this.findDmByAddress(peerAddress);
    if (local) return local;
    const peerInbox = (await verifiedInboxIds(this.ctx.api, this.ctx.resolver, [peerAddress])).get(
      peerAddress,
    );
    if (!peerInbox)
      throw new ClientError("no_inbox", `${peerAddress} has not activated messaging yet`);
    const self = this.ctx.installation.inboxId;
    if (peerInbox === self)
      throw new ClientError(
        "invalid_address",
        "that address is your own inbox: a DM needs another person",
      );
    const dmId = dmIdFor(self, peerInbox);
    const existing = (await conversationsByDmId(this.ctx.db, dmId))[0];
    // Opening a DM that exists (perhaps a request) leaves its consent as it is.
    if (existing) return this.wrap(existing, await effectiveConsent(this.ctx, existing));

    // A DM carries the mutable extensions as libxmtp's do (metadata, permissions, and the
    // membership with identity sequence ids, which libxmtp checks a welcome's tree against).
    const own = await this.ctx.resolver.latest(self);
    const group = await createGroup({
      signer: this.ctx.installation,
      metadata: { conversationType: "dm", creatorInboxId: self, dmMembers: [self, peerInbox] },
      context: {
        metadata: dmMetadata(),
        membership: new Map([[self, own?.sequenceId ?? 0n]]),
        permissions: dmPermissions(),
      },
    });
    const groupId = toHex(group.groupId);
    // The peer's installations and our other ones, with the sequence ids they were read at.
    const planned = await planAdd(this.ctx, [peerInbox], true)(group);
    if (!planned?.add?.length)
      throw new ClientError("no_inbox", `${peerAddress} has no installation to message`);
    const keyPackages = planned.add;
    const added = await commitChanges(
      group,
      { add: keyPackages.map((k) => k.bytes), context: planned.context! },
      this.ctx.resolver.authenticate,
    );
    // The conversation, its epoch-0 state and the commit are stored before the commit is
    // published: a crash at any step is finished on restart (groups/commit-recovery.ts),
    // so a DM this device shows is never one its peer was not welcomed to.
    const row = await withGroupLock(this.ctx, groupId, async () => {
      await saveGroup(this.ctx, group);
      const row = await upsertConversation(this.ctx.db, {
        id: groupId,
        kind: "dm",
        peerInboxId: peerInbox,
        peerAddress,
        dmId,
        createdAtNs: nowNs(),
      });
      // Starting a DM allows both the conversation and the person.
      await setConsent(this.ctx, [
        { entity: { kind: "conversation", id: groupId }, state: "allowed" },
        { entity: { kind: "inbox", inboxId: peerInbox }, state: "allowed" },
      ]);
      // Nobody else can commit to a group only we know: our commit is epoch 1's.
      const outcome = await publishOwnCommit(
        this.ctx,
        {
          groupId,
          kind: "add_members",
          change: { op: "create_dm" }, // never made again: it cannot lose its epoch
          group,
          commit: added.commit,
          pending: added.pending,
          welcome: added.welcome!,
          // hpke_public_key names the key package (its init key, or the X-Wing key its
          // 0xff03 extension asks for) the welcome was sealed to.
          welcomeTo: keyPackages.map((k) => ({
            installationKey: k.parsed.installationKey,
            ...welcomeRecipientOf(k.parsed.keyPackage),
          })),
          attempt: 1,
        },
        this.log,
      );
      if (outcome !== "won")
        throw new ClientError("commit_failed", `the new DM's first commit was ${outcome}`, true);
      return row;
    });
    this.engine.addGroup(groupId);
    return new Conversation(this.ctx, row, "allowed");
  }

  /**
   * Someone is writing in this conversation: this tab takes its group's lock ahead for a
   * few seconds, so the send that follows does not wait on the browser for it (locks.ts),
   * takes the send's ratchet generation ahead (groups/ready.ts), checks the members' devices
   * if a send would (groups/installations.ts) and reads the push key.
   */
  prepareToSend(conversationId: string): void {
    holdGroupLock(this.ctx, conversationId);
    void takeGenerationAhead(this.ctx, conversationId);
    checkInstallationsAhead(this.ctx, conversationId);
    this.ctx.warmPushSender?.();
  }

  /** Pulls one group's new messages from its cursor, in node order (no welcomes). */
  async syncGroup(groupId: string): Promise<void> {
    for (;;) {
      const cursor = await getCursor(this.ctx.db, groupTopic(groupId));
      const page = await this.ctx.api.queryGroupMessages(fromHex(groupId), { cursor });
      for (const m of page) await applyGroupEnvelope(this.ctx, m, this.log);
      // An out-of-sync group keeps its cursor: stop instead of asking again and again.
      if (page.length < 100 || (await getCursor(this.ctx.db, groupTopic(groupId))) === cursor)
        break;
    }
  }

  /**
   * Pulls everything new from the node: welcomes first (new conversations), then each
   * group from its cursor, in node order.
   */
  async sync(): Promise<void> {
    const inst = this.ctx.installation.publicKey;
    for (;;) {
      const cursor = await getCursor(this.ctx.db, welcomeTopic(toHex(inst)));
      const page = await this.ctx.api.queryWelcomeMessages(inst, { cursor });
      for (const w of page) await applyWelcome(this.ctx, w, this.log);
      if (page.length < 100) break;
    }
    // Every welcome on the node has been read: no pending one needs a spent key package.
    await deleteSpentKeyPackages(this.ctx.db);
    for (const g of await this.ctx.db.groups.toArray()) await this.syncGroup(g.groupId);
    // A welcome lineage was adopted (groups/lineages.ts): what waited goes to the winner.
    if (takeAdoptedGroups(this.ctx).length > 0) await resumeOutbox(this.ctx);
  }

  /** Every message stored from now on, sent or received, until `return()`. */
  streamAllMessages(): AsyncIterableIterator<DecodedMessage> {
    const queue = new AsyncQueue<DecodedMessage>();
    const unsubscribe = this.ctx.bus.subscribe((m) => queue.push(m));
    this.engine.acquire();
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      unsubscribe();
      this.engine.release();
      queue.end();
    };
    return {
      next: () => queue.next(),
      return: async () => {
        close();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}
