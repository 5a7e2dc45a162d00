import type { AnyBlock } from '@slack/types';
import { isObject, type Json } from './element-limits';
import {
  buttonAction,
  findButton,
  payloadUser,
  person,
  type InteractionDeps,
  type ViewButtonClick,
} from './interactions';
import type { OpenedView } from './types';
import { validateView } from './view-limits';
import { clientSideErrors, viewState, type StateValues, type ViewValue, type ViewValues } from './view-state';
import type { ViewsStore } from './views-store';

/**
 * Interactions on modals, shaped like Slack's payloads: `view_submission` (with `view.state.values`),
 * `view_closed`, and `block_actions` from buttons inside a modal (`container.type: 'view'`, no channel, message
 * or response_url). Also what Slack does with the app's answer to a submission (`response_action`).
 */

export interface ViewSubmissionInput {
  viewId: string;
  userId: string;
  /** What the person entered, by block_id (or block_id → action_id); untouched elements keep their values. */
  values?: ViewValues;
}

export interface ViewDeps extends InteractionDeps {
  views: ViewsStore;
}

/** The person's visible modal: it must be open, theirs, and on top of their stack. */
export function visibleModal(deps: ViewDeps, viewId: string, userId: string): OpenedView {
  const opened = deps.views.get(viewId);
  if (!opened?.open || opened.via === 'publish') throw new Error(`Slack stand-in: no open modal ${viewId}`);
  if (opened.user !== userId) {
    throw new Error(`Slack stand-in: modal ${viewId} is open for ${opened.user}, not ${userId}`);
  }
  const top = deps.views.stack(userId).at(-1);
  if (top?.id !== viewId)
    throw new Error(`Slack stand-in: modal ${viewId} is covered by ${top?.id ?? 'nothing'}`);
  return opened;
}

function blocksOf(opened: OpenedView): AnyBlock[] {
  return (Array.isArray(opened.view.blocks) ? opened.view.blocks : []) as AnyBlock[];
}

function storedState(opened: OpenedView): StateValues {
  const state = opened.view.state;
  return isObject(state) && isObject(state.values) ? (state.values as StateValues) : {};
}

/** The view's state after applying `values`, stored on the view like Slack does as the person types. */
export function enterValues(deps: ViewDeps, opened: OpenedView, values: ViewValues | undefined): StateValues {
  const lookup = { users: deps.ws.allUsers(), channels: deps.ws.allChannels() };
  const state = viewState(blocksOf(opened), storedState(opened), values, lookup);
  deps.views.setState(opened.id, state);
  return state;
}

function envelope(deps: InteractionDeps, userId: string): Json {
  const { identity } = deps.ws;
  return {
    team: { id: identity.teamId, domain: identity.teamDomain },
    user: payloadUser(deps, person(deps, userId)),
    api_app_id: identity.appId,
    token: deps.verificationToken,
    enterprise: null,
    is_enterprise_install: false,
  };
}

/**
 * A `view_submission` payload, after Slack's client-side checks: a required input left empty or text outside
 * `min_length`/`max_length` never reaches the app, so that throws (the console shows these messages itself).
 */
export function buildViewSubmission(deps: ViewDeps, input: ViewSubmissionInput): Json {
  const opened = visibleModal(deps, input.viewId, input.userId);
  const state = enterValues(deps, opened, input.values);
  const problems = clientSideErrors(blocksOf(opened), state);
  if (Object.keys(problems).length > 0) {
    const list = Object.entries(problems).map(([block, msg]) => `${block}: ${msg}`);
    throw new Error(`Slack stand-in: Slack would not submit modal ${opened.id} (${list.join('; ')})`);
  }
  return {
    type: 'view_submission',
    ...envelope(deps, input.userId),
    trigger_id: deps.triggers.issue(input.userId),
    view: { ...structuredClone(opened.view), state: { values: state } },
    response_urls: [],
  };
}

/** `view_closed` for a dismissed modal; `is_cleared` when the whole stack went away. */
export function buildViewClosed(deps: ViewDeps, opened: OpenedView, isCleared: boolean): Json {
  return {
    type: 'view_closed',
    ...envelope(deps, opened.user),
    view: structuredClone(opened.view),
    is_cleared: isCleared,
  };
}

/** `block_actions` for a button inside a modal: container `view`, the view with its state, no response_url. */
export function buildViewBlockActions(deps: ViewDeps, click: ViewButtonClick): Json {
  const opened = visibleModal(deps, click.viewId, click.userId);
  const found = findButton(blocksOf(opened), click.actionId, click.value);
  if (!found) throw new Error(`Slack stand-in: no button ${click.actionId} in modal ${opened.id}`);
  const state = enterValues(deps, opened, click.values);
  return {
    type: 'block_actions',
    ...envelope(deps, click.userId),
    container: { type: 'view', view_id: opened.id },
    trigger_id: deps.triggers.issue(click.userId),
    view: { ...structuredClone(opened.view), state: { values: state } },
    actions: [buttonAction(deps, found)],
  };
}

/**
 * A person changes a modal input whose block has `dispatch_action: true` (picks an option, ticks a box, presses
 * Enter in a text input): `value` is the element's new value; `values` anything else entered meanwhile.
 */
export interface ViewInputDispatch {
  viewId: string;
  userId: string;
  blockId: string;
  value: ViewValue;
  values?: ViewValues;
}

/**
 * `block_actions` for a dispatching input: the action is the element's state entry (`value`, `selected_option`,
 * `selected_options`, …) with its ids and `action_ts`, as Slack sends it. An input without `dispatch_action`
 * sends nothing in Slack, so that throws.
 */
export function buildViewInputAction(deps: ViewDeps, input: ViewInputDispatch): Json {
  const opened = visibleModal(deps, input.viewId, input.userId);
  const block = (blocksOf(opened) as unknown as Json[]).find(
    (b) => b.type === 'input' && b.block_id === input.blockId,
  );
  if (!block || !isObject(block.element)) {
    throw new Error(`Slack stand-in: no input block ${input.blockId} in modal ${opened.id}`);
  }
  if (block.dispatch_action !== true) {
    throw new Error(
      `Slack stand-in: input ${input.blockId} has no dispatch_action, so Slack sends nothing when it changes`,
    );
  }
  const actionId = String(block.element.action_id ?? '');
  const state = enterValues(deps, opened, { ...input.values, [input.blockId]: { [actionId]: input.value } });
  const entry = state[input.blockId]?.[actionId] ?? {};
  return {
    type: 'block_actions',
    ...envelope(deps, input.userId),
    container: { type: 'view', view_id: opened.id },
    trigger_id: deps.triggers.issue(input.userId),
    view: { ...structuredClone(opened.view), state: { values: state } },
    actions: [{ ...entry, action_id: actionId, block_id: input.blockId, action_ts: deps.ws.clock.next() }],
  };
}

/** What Slack did with the modal after the app answered a submission. */
export type SubmissionOutcome = 'closed' | 'errors' | 'updated' | 'pushed' | 'cleared' | 'failed';

export interface AppliedResponse {
  outcome: SubmissionOutcome;
  errors?: Record<string, string>;
  /** Why Slack could not use the app's answer (shown to the person as a generic error). */
  problems?: string[];
  /** The view now on top, when one is. */
  view?: OpenedView;
}

function parseAck(body: string): Json | string {
  if (body.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    return isObject(parsed) ? parsed : 'the response body is not a JSON object';
  } catch {
    return 'the response body is not JSON';
  }
}

function checkedView(view: unknown): Json | string[] {
  const problems = validateView(view, ['modal']);
  return problems.length > 0 || !isObject(view) ? problems : view;
}

function inputBlockIds(opened: OpenedView): Set<string> {
  return new Set(
    (blocksOf(opened) as unknown as Json[]).filter((b) => b.type === 'input').map((b) => String(b.block_id)),
  );
}

/**
 * Applies a 200 answer to a `view_submission` like Slack: empty ⇒ close this view (the one below shows again);
 * `errors` ⇒ stay open with messages under the named input blocks; `update` ⇒ replace it; `push` ⇒ stack a new
 * one; `clear` ⇒ close the whole stack. Anything unusable keeps the modal open and reports why.
 */
export function applyViewResponse(views: ViewsStore, opened: OpenedView, body: string): AppliedResponse {
  const ack = parseAck(body);
  if (typeof ack === 'string') return { outcome: 'failed', problems: [ack] };
  const action = ack.response_action;
  const fail = (problems: string[]): AppliedResponse => ({ outcome: 'failed', problems });
  switch (action) {
    case undefined:
      views.close(opened.id);
      return { outcome: 'closed', view: views.stack(opened.user).at(-1) };
    case 'errors': {
      if (!isObject(ack.errors)) return fail(['response_action errors needs an errors object']);
      const known = inputBlockIds(opened);
      const errors = Object.fromEntries(Object.entries(ack.errors).map(([k, v]) => [k, String(v)]));
      const unknown = Object.keys(errors).filter((k) => !known.has(k));
      if (unknown.length > 0)
        return fail([`errors name blocks that are not input blocks: ${unknown.join(', ')}`]);
      views.setErrors(opened.id, errors);
      return { outcome: 'errors', errors, view: opened };
    }
    case 'update':
    case 'push': {
      const view = checkedView(ack.view);
      if (Array.isArray(view)) return fail(view);
      const result =
        action === 'update' ? views.update(opened, view, undefined) : views.push(opened.user, view);
      if ('error' in result) return fail([result.error]);
      return { outcome: action === 'update' ? 'updated' : 'pushed', view: result };
    }
    case 'clear': {
      const root = views.stack(opened.user)[0];
      if (root) views.close(root.id);
      return { outcome: 'cleared' };
    }
    default:
      return fail([`unknown response_action ${JSON.stringify(action)}`]);
  }
}
