/**
 * The page's view of the workspace for one person: who they can switch to, the channels and DMs they see,
 * the selected channel's timeline (messages + their ephemerals) and open thread rendered to HTML, and their
 * visible modal. The page re-fetches this on every change; HTML is rendered here so the browser code stays small
 * and all escaping happens in tested TypeScript.
 */
import type { Ephemeral, OpenedView, SlackStandin, StoredMessage } from '../slack-standin';
import { renderContext, type RenderContext } from './render/context';
import { renderTimeline, type TimelineItem } from './render/message';
import { modalKey, renderModal } from './render/modal';
import { renderThread } from './render/thread';

export interface StateQuery {
  user?: string;
  channel?: string;
  thread?: string;
  tz?: string;
}

export interface ConsoleState {
  me: string;
  users: { id: string; name: string; title: string }[];
  channels: { id: string; name: string; dm: boolean }[];
  channel: { id: string; name: string; dm: boolean };
  /** Channel timeline HTML. */
  messages: string;
  /** Ts of the open thread, if it still exists. */
  thread: string | null;
  threadHtml: string;
  modal: { key: string; viewId: string; html: string } | null;
  /** The same content as data (for scripts and debugging): what the HTML above shows. */
  data: {
    messages: StoredMessage[];
    replies: StoredMessage[];
    ephemerals: Ephemeral[];
    views: OpenedView[];
  };
}

function isDm(id: string): boolean {
  return id.startsWith('D');
}

/** The bot's DM with a person has id `D` + the person's id without `U`. */
function dmOf(userId: string): string {
  return `D${userId.slice(1)}`;
}

export function buildState(standin: SlackStandin, q: StateQuery, now = Date.now()): ConsoleState {
  const users = standin.users();
  const me = users.find((u) => u.id === q.user)?.id ?? users[0]?.id ?? '';
  const visible = standin
    .channels()
    .filter((c) => !isDm(c.id) || c.id === dmOf(me))
    .map((c) => ({ id: c.id, name: isDm(c.id) ? standin.identity.botName : c.name, dm: isDm(c.id) }));
  const channel = visible.find((c) => c.id === q.channel) ?? visible.find((c) => !c.dm) ?? visible[0];
  if (!channel) throw new Error('the Slack stand-in has no channels');
  const bot = { id: standin.identity.botUserId, name: standin.identity.botName };
  const ctx = renderContext({
    users,
    channels: standin.channels(),
    bot,
    me,
    timeZone: q.tz,
    now,
    fileContent: (id) => standin.fileContent(id),
  });
  const mine = standin.ephemerals({ channel: channel.id, user: me });
  const messages = standin.messages(channel.id);
  const items: TimelineItem[] = [
    ...messages.map((msg) => ({ kind: 'message' as const, msg })),
    ...mine.filter((e) => !e.thread_ts).map((eph) => ({ kind: 'ephemeral' as const, eph })),
  ];
  const open = thread(standin, ctx, channel, q.thread, mine, bot.id);
  const views = standin.modalStack(me);
  return {
    me,
    users: users.map((u) => ({ id: u.id, name: u.realName ?? u.name, title: u.name })),
    channels: visible,
    channel,
    messages: renderTimeline(items, ctx, { botUserId: bot.id }),
    thread: open.thread,
    threadHtml: open.threadHtml,
    modal: modal(views, ctx),
    data: {
      messages,
      replies: open.thread ? standin.replies(channel.id, open.thread) : [],
      ephemerals: mine,
      views,
    },
  };
}

function thread(
  standin: SlackStandin,
  ctx: RenderContext,
  channel: { id: string; name: string },
  ts: string | undefined,
  mine: Ephemeral[],
  botUserId: string,
): Pick<ConsoleState, 'thread' | 'threadHtml'> {
  const parent = ts ? standin.message(channel.id, ts) : undefined;
  if (!parent || (parent.thread_ts && parent.thread_ts !== parent.ts))
    return { thread: null, threadHtml: '' };
  const ephemerals = mine.filter((e) => e.thread_ts === parent.ts);
  return {
    thread: parent.ts,
    threadHtml: renderThread(parent, ephemerals, ctx, { botUserId, channelName: channel.name }),
  };
}

function modal(stack: OpenedView[], ctx: RenderContext): ConsoleState['modal'] {
  const top = stack.at(-1);
  if (!top) return null;
  return { key: modalKey(top), viewId: top.id, html: renderModal(top, ctx, stack.length) };
}
