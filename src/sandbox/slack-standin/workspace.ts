import type { AnyBlock } from '@slack/types';
import { TsClock, tsToMicros } from './ids';
import type {
  ChangeListener,
  Ephemeral,
  MessageMetadata,
  StandinChange,
  StandinChannel,
  StandinFile,
  StandinIdentity,
  StandinUser,
  StoredMessage,
} from './types';

/**
 * The workspace's state — channels, people, message history with threads, ephemerals — and a change feed.
 * Everything that mutates goes through here and emits one `StandinChange`, so a live console can re-render.
 * Callers validate first (Web API layer); this class only stores.
 */

export type WorkspaceIdentity = StandinIdentity;

interface ChannelState extends StandinChannel {
  isIm: boolean;
  /** Top-level messages (and thread broadcasts), oldest first. */
  messages: StoredMessage[];
  /** Every message of the channel by ts, replies included. */
  byTs: Map<string, StoredMessage>;
}

/**
 * A user group (`S…`, mentioned as `@handle`) and its members' user ids. A disabled group keeps its members but
 * the Web API hides it unless a call passes `include_disabled`.
 */
export interface StandinUserGroup {
  id: string;
  handle: string;
  name: string;
  users: string[];
  disabled?: boolean;
}

export interface NewMessage {
  channel: string;
  user: string;
  botId?: string;
  text: string;
  blocks: AnyBlock[];
  metadata?: MessageMetadata;
  threadTs?: string;
  broadcast?: boolean;
  /** Shared files (a `file_share` message). */
  files?: StandinFile[];
  subtype?: string;
}

export class Workspace {
  readonly clock: TsClock;
  private readonly users = new Map<string, StandinUser>();
  private readonly channels = new Map<string, ChannelState>();
  private readonly groups = new Map<string, StandinUserGroup>();
  private ephemeralList: Ephemeral[] = [];
  private readonly listeners = new Set<ChangeListener>();

  constructor(
    readonly identity: WorkspaceIdentity,
    users: StandinUser[],
    channels: StandinChannel[],
    readonly now: () => number,
    groups: readonly StandinUserGroup[] = [],
  ) {
    this.clock = new TsClock(now);
    for (const u of users) this.users.set(u.id, { ...u });
    for (const c of channels) this.addChannel(c.id, c.name, false);
    for (const g of groups) this.setUserGroup(g);
  }

  // ---- people and channels -------------------------------------------------------------------------

  user(id: string): StandinUser | undefined {
    return this.users.get(id);
  }

  allUsers(): StandinUser[] {
    return [...this.users.values()];
  }

  allChannels(): StandinChannel[] {
    return [...this.channels.values()].map(({ id, name }) => ({ id, name }));
  }

  /** By id (`C…`, `D…`). Like `chat.update` and `conversations.*`: names are not accepted. */
  channelById(id: string): StandinChannel | undefined {
    return this.channels.get(id);
  }

  /**
   * Like `chat.postMessage`'s `channel`: an id, a name (`security-findings` / `#security-findings`), or a user id,
   * which posts into the bot's DM with that person (Slack opens the IM on the fly).
   */
  resolveForPost(channel: string): StandinChannel | undefined {
    const byId = this.channels.get(channel);
    if (byId) return byId;
    const name = channel.replace(/^#/, '');
    const byName = [...this.channels.values()].find((c) => !c.isIm && c.name === name);
    if (byName) return byName;
    const person = this.users.get(channel);
    if (!person) return undefined;
    const dmId = `D${person.id.slice(1)}`;
    return this.channels.get(dmId) ?? this.addChannel(dmId, person.name, true);
  }

  private addChannel(id: string, name: string, isIm: boolean): ChannelState {
    const state: ChannelState = { id, name, isIm, messages: [], byTs: new Map() };
    this.channels.set(id, state);
    return state;
  }

  private state(channel: string): ChannelState {
    const state = this.channels.get(channel);
    if (!state) throw new Error(`unknown channel ${channel}`);
    return state;
  }

  // ---- user groups ---------------------------------------------------------------------------------

  /** A copy, so callers cannot change membership behind the workspace's back. */
  userGroup(id: string): StandinUserGroup | undefined {
    const group = this.groups.get(id);
    return group ? { ...group, users: [...group.users] } : undefined;
  }

  allUserGroups(): StandinUserGroup[] {
    return [...this.groups.values()].map((g) => ({ ...g, users: [...g.users] }));
  }

  /** Creates the group or replaces it (name, handle, members) by id. */
  setUserGroup(group: StandinUserGroup): void {
    this.groups.set(group.id, { ...group, users: [...group.users] });
  }

  // ---- persistence (the sandbox keeps its channel across restarts) ---------------------------------

  /** Channels with their messages and threads, as plain data (ephemerals are not kept, as in Slack). */
  exportChannels(): { id: string; name: string; isIm: boolean; messages: StoredMessage[] }[] {
    return [...this.channels.values()].map(({ id, name, isIm, messages }) => ({
      id,
      name,
      isIm,
      messages: structuredClone(messages),
    }));
  }

  /** Replaces the channels' messages with exported ones; later messages get later timestamps. */
  importChannels(channels: { id: string; name: string; isIm: boolean; messages: StoredMessage[] }[]): void {
    let latest = 0;
    for (const c of channels) {
      const state = this.channels.get(c.id) ?? this.addChannel(c.id, c.name, c.isIm);
      state.messages = structuredClone(c.messages);
      state.byTs = new Map();
      for (const m of state.messages) {
        state.byTs.set(m.ts, m);
        for (const r of m.replies) state.byTs.set(r.ts, r);
        latest = Math.max(latest, tsToMicros(m.ts), ...m.replies.map((r) => tsToMicros(r.ts)));
      }
    }
    this.clock.advancePast(latest);
    this.emit({ kind: 'message_changed' });
  }

  // ---- messages ------------------------------------------------------------------------------------

  /** Top-level messages (incl. broadcasts), oldest first — live objects, do not hand out. */
  history(channel: string): StoredMessage[] {
    return this.channels.get(channel)?.messages ?? [];
  }

  find(channel: string, ts: string): StoredMessage | undefined {
    return this.channels.get(channel)?.byTs.get(ts);
  }

  /** The thread root for a ts: the message itself, or its parent when it is a reply. */
  root(channel: string, ts: string): StoredMessage | undefined {
    const msg = this.find(channel, ts);
    if (msg?.thread_ts && msg.thread_ts !== msg.ts) return this.find(channel, msg.thread_ts);
    return msg;
  }

  /**
   * Stores a new message with a fresh ts. A `threadTs` naming a reply attaches to that reply's parent (Slack
   * threads are one level deep); an unknown `threadTs` leaves the message top-level.
   */
  post(input: NewMessage): StoredMessage {
    const state = this.state(input.channel);
    const parent = input.threadTs ? this.root(input.channel, input.threadTs) : undefined;
    const msg: StoredMessage = {
      ts: this.clock.next(),
      channel: state.id,
      user: input.user,
      ...(input.botId ? { bot_id: input.botId } : {}),
      text: input.text,
      blocks: input.blocks,
      ...(input.metadata ? { metadata: input.metadata } : {}),
      ...(input.subtype ? { subtype: input.subtype } : {}),
      ...(input.files ? { files: structuredClone(input.files) } : {}),
      replies: [],
    };
    if (parent) {
      msg.thread_ts = parent.ts;
      parent.thread_ts = parent.ts;
      parent.replies.push(msg);
      if (input.broadcast) {
        msg.subtype = 'thread_broadcast';
        state.messages.push(msg);
      }
    } else {
      state.messages.push(msg);
    }
    state.byTs.set(msg.ts, msg);
    this.emit({ kind: 'message_posted', channel: state.id, ts: msg.ts });
    return msg;
  }

  /** Replaces content in place; `editedBy` adds Slack's `edited` marker (chat.update does, response_url does not). */
  update(
    channel: string,
    ts: string,
    patch: { text?: string; blocks?: AnyBlock[]; metadata?: MessageMetadata },
    editedBy?: string,
  ): StoredMessage {
    const msg = this.find(channel, ts);
    if (!msg) throw new Error(`no message ${channel}/${ts}`);
    if (patch.text !== undefined) msg.text = patch.text;
    if (patch.blocks !== undefined) msg.blocks = patch.blocks;
    if (patch.metadata !== undefined) msg.metadata = patch.metadata;
    if (editedBy) msg.edited = { user: editedBy, ts: this.clock.next() };
    this.emit({ kind: 'message_changed', channel, ts });
    return msg;
  }

  /** Deletes a message; a parent that still has replies becomes a `tombstone` like in Slack. */
  remove(channel: string, ts: string): void {
    const state = this.state(channel);
    const msg = state.byTs.get(ts);
    if (!msg) return;
    if (msg.replies.length > 0) {
      Object.assign(msg, { subtype: 'tombstone', text: 'This message was deleted.', blocks: [] });
      delete msg.metadata;
      delete msg.files;
    } else {
      state.byTs.delete(ts);
      state.messages = state.messages.filter((m) => m !== msg);
      const parent = msg.thread_ts && msg.thread_ts !== ts ? state.byTs.get(msg.thread_ts) : undefined;
      if (parent) parent.replies = parent.replies.filter((m) => m !== msg);
    }
    this.emit({ kind: 'message_deleted', channel, ts });
  }

  // ---- ephemerals ----------------------------------------------------------------------------------

  ephemerals(): Ephemeral[] {
    return this.ephemeralList;
  }

  postEphemeral(input: Omit<Ephemeral, 'message_ts'>): Ephemeral {
    const eph: Ephemeral = { ...input, message_ts: this.clock.next() };
    this.ephemeralList.push(eph);
    this.emit({ kind: 'ephemeral_posted', channel: eph.channel, ts: eph.message_ts, user: eph.user });
    return eph;
  }

  findEphemeral(channel: string, ts: string): Ephemeral | undefined {
    return this.ephemeralList.find((e) => e.channel === channel && e.message_ts === ts);
  }

  replaceEphemeral(eph: Ephemeral, patch: { text: string; blocks: AnyBlock[] }): void {
    eph.text = patch.text;
    eph.blocks = patch.blocks;
    this.emit({ kind: 'ephemeral_changed', channel: eph.channel, ts: eph.message_ts, user: eph.user });
  }

  deleteEphemeral(eph: Ephemeral): void {
    this.ephemeralList = this.ephemeralList.filter((e) => e !== eph);
    this.emit({ kind: 'ephemeral_deleted', channel: eph.channel, ts: eph.message_ts, user: eph.user });
  }

  // ---- change feed ---------------------------------------------------------------------------------

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Listeners run synchronously; one that throws does not stop the others or the request. */
  emit(change: StandinChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        /* a broken listener must not break Slack */
      }
    }
  }
}
