import type { AnyBlock } from '@slack/types';
import { isObject, type Json } from './element-limits';
import type { ResponseTarget, ResponseUrls } from './response-urls';
import type { Triggers } from './triggers';
import type { StandinChannel, StandinUser } from './types';
import type { Workspace } from './workspace';
import { toApiMessage } from './api-message';
import type { ViewValues } from './view-state';

/** Builds interaction payloads exactly as Slack sends them to an app's Request URL. */
export interface InteractionDeps {
  ws: Workspace;
  triggers: Triggers;
  responseUrls: ResponseUrls;
  /** The deprecated verification token Slack still puts in payloads. */
  verificationToken: string;
}

/** A click on a button in a channel message, or in an ephemeral message the user sees. */
export interface MessageButtonClick {
  channel: string;
  ts: string;
  actionId: string;
  userId: string;
  /** Picks the button by value too, when several share an action_id. */
  value?: string;
  /**
   * The blocks this person's client still shows, when it has not caught up with an edit yet (a stale view: the
   * button is clicked although the message has since changed). The payload still carries the current message.
   */
  seenBlocks?: AnyBlock[];
}

/** A click on a button inside a modal the user has open (see `view-interactions`). */
export interface ViewButtonClick {
  viewId: string;
  actionId: string;
  userId: string;
  value?: string;
  /** What the person has entered in the modal so far (sent as `view.state`). */
  values?: ViewValues;
}

export type ButtonClick = MessageButtonClick | ViewButtonClick;

export interface FoundButton {
  blockId: string;
  button: Json;
}

/** Buttons live in `actions` blocks and as section `accessory`. */
export function findButton(blocks: AnyBlock[], actionId: string, value?: string): FoundButton | undefined {
  for (const block of blocks as unknown as Json[]) {
    const candidates =
      block.type === 'actions' && Array.isArray(block.elements) ? block.elements : [block.accessory];
    for (const el of candidates) {
      if (!isObject(el) || el.type !== 'button' || el.action_id !== actionId) continue;
      if (value !== undefined && el.value !== value) continue;
      return { blockId: String(block.block_id), button: el };
    }
  }
  return undefined;
}

export function person(deps: InteractionDeps, userId: string): StandinUser {
  const user = deps.ws.user(userId);
  if (!user) throw new Error(`Slack stand-in: unknown user ${userId} (known: ${idsOf(deps.ws.allUsers())})`);
  return user;
}

function channelOf(deps: InteractionDeps, channel: string): StandinChannel {
  const found = deps.ws.resolveForPost(channel);
  if (!found)
    throw new Error(`Slack stand-in: unknown channel ${channel} (known: ${idsOf(deps.ws.allChannels())})`);
  return found;
}

function idsOf(list: { id: string }[]): string {
  return list.map((x) => x.id).join(', ');
}

/** The `actions[0]` entry of a button click. */
export function buttonAction(deps: InteractionDeps, found: FoundButton): Json {
  return {
    type: 'button',
    action_id: found.button.action_id,
    block_id: found.blockId,
    text: found.button.text,
    ...(found.button.value !== undefined ? { value: found.button.value } : {}),
    ...(found.button.style !== undefined ? { style: found.button.style } : {}),
    action_ts: deps.ws.clock.next(),
  };
}

/** `user` as interaction payloads carry it. */
export function payloadUser(deps: InteractionDeps, user: StandinUser): Json {
  return { id: user.id, username: user.name, name: user.name, team_id: deps.ws.identity.teamId };
}

const STATE_FIELDS: Record<string, [string, string, unknown]> = {
  static_select: ['selected_option', 'initial_option', null],
  external_select: ['selected_option', 'initial_option', null],
  radio_buttons: ['selected_option', 'initial_option', null],
  multi_static_select: ['selected_options', 'initial_options', []],
  multi_external_select: ['selected_options', 'initial_options', []],
  checkboxes: ['selected_options', 'initial_options', []],
  users_select: ['selected_user', 'initial_user', null],
  multi_users_select: ['selected_users', 'initial_users', []],
  conversations_select: ['selected_conversation', 'initial_conversation', null],
  multi_conversations_select: ['selected_conversations', 'initial_conversations', []],
  channels_select: ['selected_channel', 'initial_channel', null],
  multi_channels_select: ['selected_channels', 'initial_channels', []],
  datepicker: ['selected_date', 'initial_date', null],
  timepicker: ['selected_time', 'initial_time', null],
  datetimepicker: ['selected_date_time', 'initial_date_time', null],
  plain_text_input: ['value', 'initial_value', null],
};

/**
 * `state.values[block_id][action_id]` for the stateful elements of a surface, as Slack reports them before a
 * person changed anything (their initial values). Buttons and overflow menus carry no state.
 */
export function initialState(blocks: AnyBlock[]): { values: Record<string, Record<string, Json>> } {
  const values: Record<string, Record<string, Json>> = {};
  for (const block of blocks as unknown as Json[]) {
    const elements = Array.isArray(block.elements) ? block.elements : [block.accessory, block.element];
    for (const el of elements) {
      if (!isObject(el) || typeof el.type !== 'string' || typeof el.action_id !== 'string') continue;
      const fields = STATE_FIELDS[el.type];
      if (!fields || block.type === 'context') continue;
      const [field, initial, empty] = fields;
      const entry: Json = { type: el.type, [field]: el[initial] ?? empty };
      (values[String(block.block_id)] ??= {})[el.action_id] = entry;
    }
  }
  return { values };
}

/**
 * A `block_actions` payload for a button click in a message (or in an ephemeral the user sees): user, team,
 * channel, container, the message with its blocks, a hosted response_url, a fresh trigger_id, actions[], state.
 */
export function buildBlockActions(deps: InteractionDeps, click: MessageButtonClick): Json {
  const { ws } = deps;
  const user = person(deps, click.userId);
  const channel = channelOf(deps, click.channel);
  const msg = ws.find(channel.id, click.ts);
  const eph = msg ? undefined : ws.findEphemeral(channel.id, click.ts);
  if (eph && eph.user !== user.id) {
    throw new Error(`Slack stand-in: ephemeral ${click.ts} is only visible to ${eph.user}, not ${user.id}`);
  }
  const blocks = click.seenBlocks ?? msg?.blocks ?? eph?.blocks;
  if (!blocks) throw new Error(`Slack stand-in: no message ${click.ts} in ${channel.id}`);
  const found = findButton(blocks, click.actionId, click.value);
  if (!found) {
    const wanted = click.value === undefined ? click.actionId : `${click.actionId} with value ${click.value}`;
    throw new Error(`Slack stand-in: no button ${wanted} in message ${channel.id}/${click.ts}`);
  }
  const target: ResponseTarget = {
    channel: channel.id,
    user: user.id,
    source: { kind: msg ? 'message' : 'ephemeral', ts: click.ts },
  };
  const { identity } = ws;
  const threadTs = msg?.thread_ts ?? eph?.thread_ts;
  const parentUser = msg?.thread_ts ? ws.find(channel.id, msg.thread_ts)?.user : undefined;
  const action = buttonAction(deps, found);
  return {
    type: 'block_actions',
    user: payloadUser(deps, user),
    api_app_id: identity.appId,
    token: deps.verificationToken,
    container: {
      type: 'message',
      message_ts: click.ts,
      channel_id: channel.id,
      is_ephemeral: !msg,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    },
    trigger_id: deps.triggers.issue(user.id),
    team: { id: identity.teamId, domain: identity.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel.id, name: channel.name },
    ...(msg ? { message: toApiMessage(msg, identity, { includeMetadata: false, parentUser }) } : {}),
    state: initialState(blocks),
    response_url: deps.responseUrls.create(target),
    actions: [action],
  };
}

export interface SlashCommandInput {
  command: string;
  text: string;
  userId: string;
  channel: string;
}

/** The form fields of a slash command invocation, in the order Slack sends them. */
export function buildSlashCommand(
  deps: InteractionDeps,
  input: SlashCommandInput,
): { fields: Record<string, string>; target: ResponseTarget } {
  const user = person(deps, input.userId);
  const channel = channelOf(deps, input.channel);
  const { identity } = deps.ws;
  const command = input.command.startsWith('/') ? input.command : `/${input.command}`;
  const target: ResponseTarget = { channel: channel.id, user: user.id, source: { kind: 'none' } };
  const fields = {
    token: deps.verificationToken,
    team_id: identity.teamId,
    team_domain: identity.teamDomain,
    channel_id: channel.id,
    channel_name: channel.id.startsWith('D') ? 'directmessage' : channel.name,
    user_id: user.id,
    user_name: user.name,
    command,
    text: input.text,
    api_app_id: identity.appId,
    is_enterprise_install: 'false',
    response_url: deps.responseUrls.create(target),
    trigger_id: deps.triggers.issue(user.id),
  };
  return { fields, target };
}
