/**
 * What the page's buttons and boxes do, as JSON POST handlers: click a button (message, ephemeral or modal),
 * run a slash command, post a message, submit or close a modal, change a modal input that dispatches an action
 * (`dispatch_action`), inject a sample finding. Each answers
 * `{ ok, notice?, level? }`; `notice` is a toast — e.g. Slack's "the app did not respond" when a delivery failed.
 */
import { z } from 'zod';
import type { DeliveryResult, SlackStandin } from '../slack-standin';

export interface ActionAnswer {
  ok: boolean;
  notice?: string;
  level?: 'info' | 'error';
  /** For submissions: what Slack did with the modal. */
  outcome?: string;
  /** The request itself was wrong (bad input, or the stand-in refused it like Slack would). */
  invalid?: true;
}

export interface ActionDeps {
  standin: SlackStandin;
  onInject?: (kind: string) => Promise<string>;
  injectKinds: { kind: string; label: string }[];
}

const viewValue = z.union([z.string(), z.array(z.string()), z.null()]);
const values = z.record(z.string(), z.union([viewValue, z.record(z.string(), viewValue)]));

const schemas = {
  click: z.object({
    user: z.string(),
    container: z.enum(['message', 'ephemeral', 'view']),
    channel: z.string().optional(),
    ts: z.string().optional(),
    viewId: z.string().optional(),
    actionId: z.string(),
    value: z.string().optional(),
    values: values.optional(),
  }),
  command: z.object({ user: z.string(), channel: z.string(), text: z.string() }),
  message: z.object({
    user: z.string(),
    channel: z.string(),
    text: z.string().min(1),
    threadTs: z.string().optional(),
  }),
  submit: z.object({ user: z.string(), viewId: z.string(), values }),
  dispatch: z.object({
    user: z.string(),
    viewId: z.string(),
    blockId: z.string(),
    value: viewValue,
    values: values.optional(),
  }),
  close: z.object({ user: z.string(), viewId: z.string() }),
  inject: z.object({ kind: z.string() }),
};

export type ActionName = keyof typeof schemas;

export function isActionName(name: string): name is ActionName {
  return Object.hasOwn(schemas, name);
}

/** Slack's wording for a delivery the app did not acknowledge, naming the app. */
export function deliveryNotice(app: string, result: DeliveryResult): string | undefined {
  switch (result.error) {
    case undefined:
      return undefined;
    case 'http_timeout':
      return `${app} did not respond in time (no acknowledgement after ${(result.ms / 1000).toFixed(1)} s; Slack waits 3 s).`;
    case 'connection_failed':
      return `${app} did not respond: could not connect to it (${result.body || 'connection failed'}).`;
    case 'http_error':
      return `${app} did not respond properly: it answered HTTP ${result.status}.`;
  }
}

const COMMAND_ERRORS = {
  http_timeout: 'operation_timeout',
  connection_failed: 'dispatch_failed',
  http_error: 'http_error',
};

function failed(result: DeliveryResult, app: string): ActionAnswer {
  const notice = deliveryNotice(app, result);
  return notice ? { ok: false, notice, level: 'error' } : { ok: true };
}

/** Runs one action; invalid input or a refusal by the stand-in becomes `{ ok: false, notice }`. */
export async function runAction(deps: ActionDeps, name: ActionName, input: unknown): Promise<ActionAnswer> {
  const parsed = schemas[name].safeParse(input);
  if (!parsed.success) {
    return { ok: false, invalid: true, level: 'error', notice: `Bad request: ${parsed.error.message}` };
  }
  try {
    return await handlers[name](deps, parsed.data as never);
  } catch (err) {
    return {
      ok: false,
      invalid: true,
      level: 'error',
      notice: err instanceof Error ? err.message : String(err),
    };
  }
}

type Handlers = {
  [K in ActionName]: (deps: ActionDeps, input: z.infer<(typeof schemas)[K]>) => Promise<ActionAnswer>;
};

const handlers: Handlers = {
  async click({ standin }, a) {
    const common = {
      actionId: a.actionId,
      userId: a.user,
      ...(a.value !== undefined ? { value: a.value } : {}),
    };
    const result =
      a.container === 'view'
        ? await standin.clickButton({ ...common, viewId: a.viewId ?? '', values: a.values })
        : await standin.clickButton({ ...common, channel: a.channel ?? '', ts: a.ts ?? '' });
    return failed(result, standin.identity.botName);
  },

  async command({ standin }, a) {
    const m = /^\/(\S+)\s*([\s\S]*)$/.exec(a.text.trim());
    if (!m) return { ok: false, level: 'error', notice: 'Slash commands start with /' };
    const command = `/${m[1] ?? ''}`;
    const result = await standin.slashCommand({
      command,
      text: m[2] ?? '',
      userId: a.user,
      channel: a.channel,
    });
    if (!result.error) return { ok: true };
    const code = COMMAND_ERRORS[result.error];
    const why = deliveryNotice(standin.identity.botName, result) ?? '';
    return { ok: false, level: 'error', notice: `${command} failed with the error "${code}": ${why}` };
  },

  async message({ standin }, a) {
    standin.postUserMessage({ channel: a.channel, userId: a.user, text: a.text, threadTs: a.threadTs });
    return { ok: true };
  },

  async submit({ standin }, a) {
    const result = await standin.submitView({ viewId: a.viewId, userId: a.user, values: a.values });
    if (result.outcome !== 'failed') return { ok: true, outcome: result.outcome };
    const why = deliveryNotice(standin.identity.botName, result) ?? result.problems?.join('; ') ?? '';
    return {
      ok: false,
      outcome: 'failed',
      level: 'error',
      notice: `We had some trouble connecting. Try again? (${why})`,
    };
  },

  async dispatch({ standin }, a) {
    const result = await standin.dispatchInput({
      viewId: a.viewId,
      userId: a.user,
      blockId: a.blockId,
      value: a.value,
      ...(a.values ? { values: a.values } : {}),
    });
    return failed(result, standin.identity.botName);
  },

  async close({ standin }, a) {
    const view = standin.views().find((v) => v.id === a.viewId);
    if (view && view.user !== a.user)
      return { ok: false, level: 'error', notice: 'That modal belongs to someone else' };
    const result = await standin.closeView(a.viewId);
    return result ? failed(result, standin.identity.botName) : { ok: true };
  },

  async inject({ onInject, injectKinds }, a) {
    if (!onInject) return { ok: false, level: 'error', notice: 'Injecting findings is not available here' };
    if (!injectKinds.some((k) => k.kind === a.kind)) {
      return { ok: false, level: 'error', notice: `Unknown sample finding kind ${a.kind}` };
    }
    try {
      return { ok: true, level: 'info', notice: await onInject(a.kind) };
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return { ok: false, level: 'error', notice: `Injecting a ${a.kind} finding failed: ${why}` };
    }
  },
};
