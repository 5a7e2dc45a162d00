/**
 * `/iam-generate <role-name> [--days N] [--user]` and the buttons of its message (issue #6).
 * - The command is parsed and the configuration checked before the ack (pure, no I/O): bad input or missing
 *   settings are answered in the ack itself, privately, and nothing else happens. Otherwise the ack says it is
 *   starting, and the start (DynamoDB, Slack, IAM, Access Analyzer) runs after it.
 * - Cancel: ack, then CancelPolicyGeneration (the requester or anyone allowed to request).
 * - Request attach: ack, then the modal opens at once (its trigger lasts 3 s). Its submission is checked
 *   without I/O (every placeholder filled, each value well formed) and answered with field errors, or acked and
 *   turned into an `attach-policy` approval request in the message's thread.
 * - Revert detach: ack, then an `attach-policy` request (op revert) in the thread.
 * Every refusal reaches the clicker privately, with the reason.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { App, BlockAction, ButtonAction, RespondFn, SlashCommand, ViewSubmitAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Workflow } from '../../approvals/workflow';
import { code } from '../text';
import { AppError, errorMessage } from '../../errors';
import { GENERATE_COMMAND, isCommandError, parseGenerateCommand } from '../../policy-generation/command';
import {
  type Generations,
  type GenerationSettings,
  missingSettings,
} from '../../policy-generation/generations';
import { type GenerationJobRecord, jobSubjectKey } from '../../policy-generation/job';
import {
  attachFormErrors,
  attachPolicyModal,
  readAttachForm,
  readAttachMetadata,
} from '../blocks/attach-policy-modal';
import type { ErrorReporter } from '../error-handler';
import {
  GENERATION_ATTACH_ACTION,
  GENERATION_ATTACH_VIEW,
  GENERATION_CANCEL_ACTION,
  GENERATION_REVERT_ACTION,
} from '../ids';
import { type AfterAck, checkRequester, type FindingListenerDeps } from './finding-actions';

export interface GenerateListenerDeps extends Pick<FindingListenerDeps, 'policy' | 'groups'> {
  generations: Generations;
  workflow: Workflow;
  settings: Pick<GenerationSettings, 'trailArn' | 'accessRoleArn'>;
  reportError: ErrorReporter;
  log: Logger;
}

/** The job id of one command: the same for a redelivery of that command (same trigger), new for the next. */
export function jobIdFor(command: Pick<SlashCommand, 'team_id' | 'trigger_id'>): string {
  return createHash('sha256').update(`${command.team_id}:${command.trigger_id}`).digest('hex').slice(0, 32);
}

/**
 * A refusal of the attach request, with what the requester typed: the modal is closed by then (the checks that
 * need AWS run after the ack), so they can start again without retyping from memory.
 */
function withTypedValues(err: unknown, values: Record<string, string[]>): unknown {
  if (!(err instanceof AppError)) return err;
  const typed = Object.entries(values)
    .map(([name, list]) => `\`\${${name}}\` = ${list.map((v) => code(v)).join(', ')}`)
    .join('; ');
  if (!typed) return err;
  const wrapped = new AppError(err.code, err.message, `${err.userMessage}\nYou typed: ${typed}`, {
    cause: err,
  });
  wrapped.visibility = err.visibility;
  return wrapped;
}

class NotYoursError extends AppError {
  constructor(message: string) {
    super('generation_not_allowed', message, message);
    this.name = 'NotYoursError';
  }
}

export function registerGenerateListeners(app: App, deps: GenerateListenerDeps, afterAck: AfterAck): void {
  /** Private answer through the command's response_url (works in channels the bot is not in). */
  const answer = async (respond: RespondFn, err: unknown, where: { user: string; channel: string }) => {
    if (err instanceof AppError) {
      deps.log.info({ code: err.code, err: err.message, ...where }, 'iam-generate refused');
      await respond({ response_type: 'ephemeral', text: `:warning: ${err.userMessage}` }).catch(
        () => undefined,
      );
      return;
    }
    // response_url works where the bot is not a member (an ephemeral through the Web API would not).
    const incident = randomUUID().slice(0, 8);
    deps.log.error({ incident, err: errorMessage(err), ...where }, 'iam-generate failed');
    await respond({
      response_type: 'ephemeral',
      text: `:x: Something went wrong on our side (incident \`${incident}\`); the team running the bot can look it up in the logs.`,
    }).catch(() => undefined);
  };

  /** An `attach-policy` request (attach or revert) in the thread of the job's message. */
  const requestAttach = async (
    job: GenerationJobRecord | undefined,
    user: string,
    idempotencyKey: string,
    params: Record<string, unknown>,
  ) => {
    if (!job?.message) throw new NotYoursError('The bot has no record of this policy generation.');
    await deps.workflow.requestAbout({
      action: 'attach-policy',
      subject: { key: jobSubjectKey(job.id), thread: job.message },
      requester: user,
      requestId: randomUUID(),
      idempotencyKey,
      params,
    });
  };

  app.command(GENERATE_COMMAND, async ({ ack, command, respond }) => {
    const parsed = parseGenerateCommand(command.text ?? '');
    if (isCommandError(parsed)) {
      await ack({ response_type: 'ephemeral', text: parsed.error });
      return;
    }
    const missing = missingSettings(deps.settings);
    if (missing.length > 0) {
      await ack({
        response_type: 'ephemeral',
        text: `:warning: Policy generation is not configured in this deployment: set ${missing.join(' and ')}. Nothing was started.`,
      });
      return;
    }
    await ack({
      response_type: 'ephemeral',
      text: `Starting policy generation for ${parsed.kind} \`${parsed.name}\` from ${parsed.days} days of CloudTrail activity…`,
    });
    const where = { user: command.user_id, channel: command.channel_id };
    await afterAck(async () => {
      try {
        await checkRequester(deps, command.user_id);
        const { job, fallback } = await deps.generations.start({
          jobId: jobIdFor(command),
          requester: command.user_id,
          channel: command.channel_id,
          request: parsed,
        });
        if (fallback && job.message) {
          await respond({
            response_type: 'ephemeral',
            text: `The bot cannot post in this channel, so the progress is in <#${job.message.channel}>.`,
          });
        }
      } catch (err) {
        await answer(respond, err, where);
      }
    });
  });

  app.action<BlockAction<ButtonAction>>(GENERATION_CANCEL_ACTION, async ({ ack, body, action }) => {
    await ack();
    const user = body.user.id;
    await afterAck(async () => {
      try {
        const job = await deps.generations.get(action.value ?? '');
        if (job && job.requester !== user) await checkRequester(deps, user);
        await deps.generations.cancel(action.value ?? '', user);
      } catch (err) {
        await deps.reportError(err, { user, channel: body.channel?.id });
      }
    });
  });

  app.action<BlockAction<ButtonAction>>(GENERATION_ATTACH_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const user = body.user.id;
    await afterAck(async () => {
      try {
        const job = await deps.generations.get(action.value ?? '');
        if (!job?.result) throw new NotYoursError('The bot has no generated policy for this message.');
        await client.views.open({ trigger_id: body.trigger_id, view: attachPolicyModal(job) });
      } catch (err) {
        await deps.reportError(err, { user, channel: body.channel?.id });
      }
    });
  });

  app.view<ViewSubmitAction>(GENERATION_ATTACH_VIEW, async ({ ack, body, view }) => {
    const meta = readAttachMetadata(view.private_metadata);
    if (!meta) {
      await ack({ response_action: 'errors', errors: {} });
      return;
    }
    const form = readAttachForm(view.state.values, meta);
    const errors = attachFormErrors(form, meta);
    if (Object.keys(errors).length > 0) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    const user = body.user.id;
    await afterAck(async () => {
      const job = await deps.generations.get(meta.jobId).catch(() => undefined);
      try {
        await requestAttach(job, user, `attach:${meta.jobId}:${user}:${view.id}`, {
          op: 'attach',
          jobId: meta.jobId,
          values: form.values,
          detach: form.detach,
        });
      } catch (err) {
        deps.log.info({ jobId: meta.jobId, err: errorMessage(err) }, 'attach request refused');
        await deps.reportError(
          withTypedValues(err, form.values),
          job?.message ? { user, channel: job.message.channel, threadTs: job.message.ts } : { user },
        );
      }
    });
  });

  app.action<BlockAction<ButtonAction>>(GENERATION_REVERT_ACTION, async ({ ack, body, action }) => {
    await ack();
    const user = body.user.id;
    await afterAck(async () => {
      const job = await deps.generations.get(action.value ?? '').catch(() => undefined);
      try {
        await requestAttach(job, user, `revert:${action.value ?? ''}:${user}:${action.action_ts}`, {
          op: 'revert',
          jobId: action.value ?? '',
        });
      } catch (err) {
        await deps.reportError(
          err,
          job?.message
            ? { user, channel: job.message.channel, threadTs: job.message.ts }
            : { user, channel: body.channel?.id },
        );
      }
    });
  });
}
