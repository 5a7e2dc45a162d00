import { ApiError, type Args } from './api-args';
import { isObject, type Json } from './element-limits';
import type { OpenedView } from './types';
import { validateView } from './view-limits';
import type { ApiContext, MethodHandler } from './web-api-context';

/**
 * `views.*`: modals need a fresh trigger_id (3 s, single use ⇒ `expired_trigger_id` / `exchanged_trigger_id` /
 * `invalid_trigger_id`); a malformed view is `invalid_arguments` with Slack-style messages; `views.update` with
 * a stale `hash` is `hash_conflict`, an unknown view `not_found`.
 */

function viewArg(args: Args, types: readonly ('modal' | 'home')[]): Json {
  const view = args.json('view', 'invalid_arguments');
  if (view === undefined) throw new ApiError('invalid_arguments', ['[ERROR] missing required field: view']);
  const problems = validateView(view, types);
  if (problems.length > 0 || !isObject(view)) throw new ApiError('invalid_arguments', problems);
  return view;
}

function exchangeTrigger(args: Args, ctx: ApiContext): string {
  const trigger = args.str('trigger_id') ?? args.str('interactivity_pointer');
  if (!trigger) throw new ApiError('invalid_arguments', ['[ERROR] missing required field: trigger_id']);
  const result = ctx.triggers.exchange(trigger);
  if ('error' in result) throw new ApiError(result.error);
  return result.user;
}

function reply(result: OpenedView | { error: string }): Json {
  if ('error' in result) throw new ApiError(result.error);
  return { view: structuredClone(result.view) };
}

const open: MethodHandler = (args, ctx) => {
  const view = viewArg(args, ['modal']);
  const user = exchangeTrigger(args, ctx);
  return reply(ctx.views.open(user, view));
};

const push: MethodHandler = (args, ctx) => {
  const view = viewArg(args, ['modal']);
  const user = exchangeTrigger(args, ctx);
  return reply(ctx.views.push(user, view));
};

const update: MethodHandler = (args, ctx) => {
  const viewId = args.str('view_id');
  const externalId = args.str('external_id');
  if (!viewId && !externalId) {
    throw new ApiError('invalid_arguments', ['[ERROR] must provide either view_id or external_id']);
  }
  const existing = viewId ? ctx.views.get(viewId) : ctx.views.findByExternalId(externalId ?? '');
  const view = viewArg(args, existing?.via === 'publish' ? ['home'] : ['modal']);
  if (!existing) throw new ApiError('not_found');
  return reply(ctx.views.update(existing, view, args.str('hash')));
};

const publish: MethodHandler = (args, ctx) => {
  const user = args.need('user_id');
  const view = viewArg(args, ['home']);
  if (!ctx.ws.user(user)) throw new ApiError('user_not_found');
  return reply(ctx.views.publish(user, view, args.str('hash')));
};

export const viewMethods: Record<string, MethodHandler> = {
  'views.open': open,
  'views.push': push,
  'views.update': update,
  'views.publish': publish,
};
