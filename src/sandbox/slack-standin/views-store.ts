import type { AnyBlock } from '@slack/types';
import { normalizeBlocks } from './block-normalize';
import { isObject, type Json } from './element-limits';
import { randomHex, slackId } from './ids';
import type { OpenedView } from './types';
import { preservedState, type StateValues } from './view-state';
import type { Workspace } from './workspace';

/** Slack lets an app stack at most 3 modal views. */
export const MAX_VIEW_STACK = 3;

/**
 * Modals and Home tabs as Slack keeps them: each view has an id (`V…`), a `hash` that changes on every update
 * (stale hash ⇒ `hash_conflict`), `root_view_id`/`previous_view_id` for pushed views, and empty `state` until a
 * person types. Input is assumed validated (see view-limits).
 */
export class ViewsStore {
  private readonly byId = new Map<string, OpenedView>();
  /** Open modal stacks per user, bottom first. */
  private readonly stacks = new Map<string, string[]>();
  private readonly homes = new Map<string, string>();

  constructor(private readonly ws: Workspace) {}

  list(): OpenedView[] {
    return [...this.byId.values()];
  }

  get(id: string): OpenedView | undefined {
    return this.byId.get(id);
  }

  findByExternalId(externalId: string): OpenedView | undefined {
    return this.list().find((v) => v.view.external_id === externalId);
  }

  /** A new modal for a person (views.open): becomes the root of a fresh stack. */
  open(user: string, input: Json): OpenedView {
    for (const id of this.stacks.get(user) ?? []) this.markClosed(id);
    const opened = this.create(user, 'open', input, null, null);
    this.stacks.set(user, [opened.id]);
    return opened;
  }

  /** views.push: on top of the person's open modal; `not_found` without one, `push_limit_reached` at 3. */
  push(user: string, input: Json): OpenedView | { error: string } {
    const stack = this.stacks.get(user) ?? [];
    const top = stack[stack.length - 1];
    if (!top) return { error: 'not_found' };
    if (stack.length >= MAX_VIEW_STACK) return { error: 'push_limit_reached' };
    const root = stack[0] ?? top;
    const pushed = this.create(user, 'push', input, top, root);
    stack.push(pushed.id);
    return pushed;
  }

  /**
   * views.update: replaces the view's content and hash; `hash` given and stale ⇒ `hash_conflict`. Entered values
   * of elements with the same block_id/action_id/type survive (Slack preserves input); errors are cleared.
   */
  update(existing: OpenedView, input: Json, hash: string | undefined): OpenedView | { error: string } {
    if (hash !== undefined && hash !== existing.view.hash) return { error: 'hash_conflict' };
    const previous = existing.view;
    existing.view = this.render(existing.id, input, previous);
    const kept = preservedState(existing.view.blocks as AnyBlock[], stateOf(previous));
    existing.view.state = { values: kept };
    delete existing.errors;
    this.ws.emit({ kind: 'view_updated', viewId: existing.id, user: existing.user });
    return existing;
  }

  /** The open modals of a person, bottom first (only the last one is visible). */
  stack(user: string): OpenedView[] {
    return (this.stacks.get(user) ?? []).flatMap((id) => this.byId.get(id) ?? []);
  }

  /** Records what the person entered (Slack keeps `view.state` as they type). */
  setState(id: string, values: StateValues): void {
    const view = this.byId.get(id);
    if (view) view.view.state = { values: structuredClone(values) };
  }

  /** `response_action: errors`: the modal stays open showing these messages under the input blocks. */
  setErrors(id: string, errors: Record<string, string> | undefined): void {
    const view = this.byId.get(id);
    if (!view) return;
    if (errors) view.errors = { ...errors };
    else delete view.errors;
    this.ws.emit({ kind: 'view_updated', viewId: id, user: view.user });
  }

  /** views.publish: one Home tab per person, replaced in place. */
  publish(user: string, input: Json, hash: string | undefined): OpenedView | { error: string } {
    const current = this.homes.get(user);
    const existing = current ? this.byId.get(current) : undefined;
    if (existing) return this.update(existing, input, hash);
    const home = this.create(user, 'publish', input, null, null);
    this.homes.set(user, home.id);
    return home;
  }

  /** Closes a modal and everything pushed above it (what the ✕ or Cancel button does); returns the closed ids. */
  close(id: string): string[] {
    const view = this.byId.get(id);
    if (!view) return [];
    const stack = this.stacks.get(view.user) ?? [];
    const at = stack.indexOf(id);
    const closing = at >= 0 ? stack.splice(at) : [id];
    const closed = closing.filter((v) => this.byId.get(v)?.open);
    for (const v of closing) this.markClosed(v);
    return closed;
  }

  private markClosed(id: string): void {
    const view = this.byId.get(id);
    if (!view?.open) return;
    view.open = false;
    this.ws.emit({ kind: 'view_closed', viewId: id, user: view.user });
  }

  private create(
    user: string,
    via: OpenedView['via'],
    input: Json,
    previous: string | null,
    root: string | null,
  ): OpenedView {
    const id = slackId('V');
    const view = this.render(id, input, { previous_view_id: previous, root_view_id: root ?? id });
    const opened: OpenedView = { id, user, via, open: true, view };
    this.byId.set(id, opened);
    this.ws.emit({ kind: 'view_opened', viewId: id, user });
    return opened;
  }

  private render(id: string, input: Json, previous: Json): Json {
    const { identity } = this.ws;
    return {
      id,
      team_id: identity.teamId,
      type: input.type,
      blocks: normalizeBlocks(Array.isArray(input.blocks) ? input.blocks : []),
      private_metadata: input.private_metadata ?? '',
      callback_id: input.callback_id ?? '',
      state: { values: {} },
      hash: `${Math.floor(this.ws.now() / 1000)}.${randomHex(4)}`,
      title: input.title ?? null,
      clear_on_close: input.clear_on_close ?? false,
      notify_on_close: input.notify_on_close ?? false,
      close: input.close ?? null,
      submit: input.submit ?? null,
      previous_view_id: previous.previous_view_id ?? null,
      root_view_id: previous.root_view_id ?? id,
      app_id: identity.appId,
      external_id: input.external_id ?? '',
      app_installed_team_id: identity.teamId,
      bot_id: identity.botId,
    };
  }
}

function stateOf(view: Json): StateValues {
  const state = view.state;
  return isObject(state) && isObject(state.values) ? (state.values as StateValues) : {};
}
