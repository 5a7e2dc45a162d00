/**
 * The `/iam-generate` message: one message for the whole life of a generation job, rendered again on every
 * change (progress while Access Analyzer works, then the result, then the attachment). Pure: no I/O.
 *
 * - STARTING / IN_PROGRESS: elapsed time, a text progress bar (an estimate from the elapsed time: Access
 *   Analyzer reports no percentage, and the message says so), polls made, and Cancel (with a confirm dialog).
 * - SUCCEEDED: summary (services, actions, placeholders), ValidatePolicy findings by severity, the gap (what the
 *   role's policies grant that it did not use), notes, and the policy JSON: inline when it fits
 *   (policyFitsInline), otherwise a line saying it is attached as a file in the thread (the caller uploads
 *   policyFileContent as policyFileName). "Request attach" when attachBlockedReason says nothing stops it.
 * - An attachment: what was attached, what was detached, and "Revert detach" until it was reverted.
 * - FAILED / CANCELED / TIMED_OUT: why, and who cancelled.
 *
 * Every untrusted value (principal names, AWS messages, policy JSON, ids) is escaped, every text is cut to
 * Block Kit's limits, and the message never has more than 50 blocks.
 *
 * @example generationMessage(job, Date.now(), { typicalMs: 180_000 })
 * // { text: 'Least-privilege policy for role app-deployer: generating (2m 05s)', blocks: [...] }
 */
import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import type { PolicyValidation, ValidationNote } from '../../aws/policy-generation';
import type { GapEntry } from '../../policy-generation/gap';
import {
  formatElapsed,
  progressBar,
  progressEstimate,
  type GenerationJobRecord,
  type GenerationResult,
  type JobAttachment,
} from '../../policy-generation/job';
import { GENERATION_ATTACH_ACTION, GENERATION_CANCEL_ACTION, GENERATION_REVERT_ACTION } from '../ids';
import { clip, code, escapeMrkdwn, safeText, slackDate } from '../text';

/** Most characters of one policy part (as escaped for mrkdwn) shown inline in a ``` block. */
export const POLICY_INLINE_MAX = 2800;
/** Most policy parts shown inline; more go to the file (Access Analyzer splits only policies over 6,144 chars). */
export const POLICY_INLINE_MAX_PARTS = 3;
/** How many ValidatePolicy findings of each severity the message lists. */
export const VALIDATION_SHOWN = 3;
/** How many gap entries the message lists before "… and N more". */
export const GAP_SHOWN = 10;

const SECTION_MAX = 3000;
const MESSAGE_MAX_BLOCKS = 50;
const CONFIRM_TEXT_MAX = 300;

const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text });
const plain = (text: string) => ({ type: 'plain_text' as const, text });
const section = (text: string): KnownBlock => ({ type: 'section', text: mrkdwn(clip(text, SECTION_MAX)) });
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/**
 * Untrusted prose (AWS messages, errors, notes) as mrkdwn within `max`: escaped, and a ``` in it cannot open
 * a code block that swallows the rest of the section (single backticks stay: the bot's own messages use them).
 */
const prose = (raw: string, max: number) => safeText(raw, max, (s) => escapeMrkdwn(s).replace(/```/g, 'ˋˋˋ'));

/** `<@U…>` for a Slack user id; anything else is shown as escaped code (it never becomes a mention). */
function mention(id: string | undefined): string {
  if (!id) return 'someone';
  return /^[UW][A-Z0-9]{2,30}$/.test(id) ? `<@${id}>` : code(clip(id, 80));
}

/**
 * Joins already formatted items while the whole stays within `max`, then says how many were left out (`more`,
 * with `%d` for the count). Items are never cut in the middle, so a link or an inline code span stays whole.
 * `hidden` counts items the caller left out beforehand; they are included in the "more" count.
 * @example joinWithin(['`a`', '`b`', '`c`'], 12, ', ', '%d more') // '`a`, 2 more'
 */
export function joinWithin(
  items: readonly string[],
  max: number,
  separator: string,
  more = '… and %d more',
  hidden = 0,
): string {
  const moreText = (n: number) => more.replace('%d', String(n));
  let out = '';
  for (const [i, item] of items.entries()) {
    const next = out === '' ? item : `${out}${separator}${item}`;
    const left = items.length - i - 1 + hidden;
    const reserve = left > 0 ? separator.length + moreText(left).length : 0;
    if (next.length + reserve > max) {
      const end = moreText(items.length - i + hidden);
      return out === '' ? end.slice(0, max) : `${out}${separator}${end}`;
    }
    out = next;
  }
  if (hidden > 0)
    return out === '' ? moreText(hidden).slice(0, max) : `${out}${separator}${moreText(hidden)}`;
  return out;
}

const principalLabel = (job: GenerationJobRecord) => `${job.principal.kind} ${code(job.principal.name)}`;

function headerText(job: GenerationJobRecord): string {
  const from = slackDate(job.startTime);
  const to = slackDate(job.endTime);
  const lines = [
    `*Least-privilege policy for ${principalLabel(job)}*`,
    `Requested by ${mention(job.requester)} · CloudTrail activity of ${plural(job.days, 'day')}: ${from} – ${to}`,
  ];
  if (job.principal.arn) lines.push(`Principal: ${safeText(job.principal.arn, 600, code)}`);
  return lines.join('\n');
}

function elapsedOf(job: GenerationJobRecord, now: number): string {
  return formatElapsed((job.completedAt ?? now) - job.createdAt);
}

function progressBlocks(job: GenerationJobRecord, now: number, typicalMs: number): KnownBlock[] {
  const elapsedMs = Math.max(0, now - job.createdAt);
  const status = job.status === 'STARTING' ? '⏳ *Starting…*' : '⏳ *Generating from CloudTrail activity*';
  const bar = progressBar(progressEstimate(elapsedMs, typicalMs));
  const text = [
    status,
    `\`${bar}\` _(estimate: Access Analyzer reports no percentage)_`,
    `Elapsed ${formatElapsed(elapsedMs)} · ${plural(job.polls, 'status check')} so far`,
  ].join('\n');
  const cancel: Button = {
    type: 'button',
    action_id: GENERATION_CANCEL_ACTION,
    value: job.id,
    style: 'danger',
    text: plain('Cancel'),
    confirm: {
      title: plain('Cancel the generation?'),
      text: mrkdwn(
        safeText(
          `Access Analyzer stops generating the policy for ${job.principal.kind} ${job.principal.name}. Nothing is attached; run /iam-generate again to start over.`,
          CONFIRM_TEXT_MAX,
        ),
      ),
      confirm: plain('Cancel generation'),
      deny: plain('Keep going'),
      style: 'danger',
    },
  };
  return [section(text), { type: 'actions', block_id: 'generation-progress', elements: [cancel] }];
}

// ---------------------------------------------------------------------------------------------------------
// Result
// ---------------------------------------------------------------------------------------------------------

const SEVERITIES: { key: keyof PolicyValidation; icon: string; one: string }[] = [
  { key: 'errors', icon: '❌', one: 'error' },
  { key: 'securityWarnings', icon: '⚠️', one: 'security warning' },
  { key: 'warnings', icon: '🟡', one: 'warning' },
  { key: 'suggestions', icon: '💡', one: 'suggestion' },
];

/** `<url|Learn more>` for an https URL that cannot break out of the link; nothing otherwise. */
function learnMore(url: string | undefined): string {
  if (!url || url.length > 500 || !/^https:\/\/[^\s<>|`]+$/.test(url)) return '';
  return ` <${escapeMrkdwn(url)}|Learn more>`;
}

/** Counts per severity: `❌ 1 error · ⚠️ 0 security warnings · …`. */
export function validationCounts(validation: PolicyValidation): string {
  return SEVERITIES.map((s) => `${s.icon} ${plural(validation[s.key]?.length ?? 0, s.one)}`).join(' · ');
}

function validationText(validation: PolicyValidation | undefined): string {
  if (!validation) return '*ValidatePolicy* did not run on the generated policy: see the notes below.';
  const total = SEVERITIES.reduce((n, s) => n + (validation[s.key]?.length ?? 0), 0);
  if (total === 0) return '*ValidatePolicy*: ✅ no errors, warnings or suggestions.';
  const lines: string[] = [];
  for (const s of SEVERITIES) {
    const notes: ValidationNote[] = validation[s.key] ?? [];
    for (const n of notes.slice(0, VALIDATION_SHOWN)) {
      lines.push(
        `• ${s.icon} ${safeText(n.issueCode, 100, code)}: ${prose(n.findingDetails, 400)}${learnMore(n.learnMoreLink)}`,
      );
    }
    if (notes.length > VALIDATION_SHOWN)
      lines.push(`   … and ${notes.length - VALIDATION_SHOWN} more ${s.one}s`);
  }
  const head = `*ValidatePolicy*: ${validationCounts(validation)}`;
  return `${head}\n${joinWithin(lines, SECTION_MAX - head.length - 1, '\n', '… and %d more lines')}`;
}

function gapLine(entry: GapEntry): string {
  const from = joinWithin(
    entry.policies.map((p) => safeText(p, 140, code)),
    400,
    ', ',
    '%d more',
  );
  return `• ${safeText(entry.granted, 300, code)}: ${prose(entry.description, 300)}${from ? ` (from ${from})` : ''}`;
}

function gapText(gap: readonly GapEntry[]): string {
  if (gap.length === 0) {
    return "*Gap*: ✅ the role's current policies grant no action it did not use in the window.";
  }
  const head = `*Gap: what the role's policies grant that it did not use* (${gap.length})\n_A least-privilege policy takes this away._`;
  const lines = gap.slice(0, GAP_SHOWN).map(gapLine);
  const hidden = gap.length - lines.length;
  return `${head}\n${joinWithin(lines, SECTION_MAX - head.length - 1, '\n', '… and %d more', hidden)}`;
}

function summaryText(job: GenerationJobRecord, result: GenerationResult): string {
  const { summary } = result;
  const took = job.completedAt !== undefined ? ` in ${formatElapsed(job.completedAt - job.createdAt)}` : '';
  const lines = [`✅ *Policy generated*${took}`];
  if (result.policies.length === 0) {
    lines.push('No actions: the policy is empty.');
  } else {
    const services = joinWithin(
      summary.services.map((s) => safeText(s, 60, code)),
      800,
      ', ',
      '%d more',
    );
    lines.push(
      `*${plural(summary.actions.length, 'action')}* in *${plural(summary.services.length, 'service')}*: ${services}`,
    );
    if (result.policies.length > 1) {
      lines.push(
        `Split by Access Analyzer into ${result.policies.length} policies (each under IAM's size limit).`,
      );
    }
    if (summary.placeholders.length > 0) {
      const names = joinWithin(
        summary.placeholders.map((p) => safeText(`\${${p}}`, 120, code)),
        800,
        ', ',
        '%d more',
      );
      lines.push(
        `*${plural(summary.placeholders.length, 'placeholder')} to fill* before attaching: ${names}`,
      );
    } else {
      lines.push('No placeholders to fill.');
    }
  }
  if (result.incomplete) {
    lines.push(
      '⚠️ *May be incomplete*: Access Analyzer says the policy may not cover all the activity in the window. Check it before relying on it.',
    );
  }
  return lines.join('\n');
}

/** A policy part as it goes inside a ``` block: escaped for mrkdwn. */
const inlinePolicy = (policy: string) => escapeMrkdwn(policy);

/**
 * Whether the generated policy is shown in the message (every part, escaped, within POLICY_INLINE_MAX, at
 * most POLICY_INLINE_MAX_PARTS parts, none containing ``` which would end the code block); otherwise it is
 * uploaded as a file in the thread. An empty result fits (there is nothing to upload).
 */
export function policyFitsInline(result: Pick<GenerationResult, 'policies'>): boolean {
  return (
    result.policies.length <= POLICY_INLINE_MAX_PARTS &&
    result.policies.every((p) => inlinePolicy(p).length <= POLICY_INLINE_MAX && !p.includes('```'))
  );
}

/**
 * The file name of the uploaded policy: `<name>-least-privilege.json`, the name reduced to IAM's name
 * characters (so it is a safe file name whatever is stored).
 * @example policyFileName(job) // 'app-deployer-least-privilege.json'
 */
export function policyFileName(job: Pick<GenerationJobRecord, 'principal'>): string {
  const name = job.principal.name.replace(/[^\w+=,.@-]/g, '-').slice(0, 64) || 'principal';
  return `${name}-least-privilege.json`;
}

/**
 * The uploaded file's content, always valid JSON: one part → that policy document itself (ready for the IAM
 * console's JSON editor); several parts → a JSON array of the policy documents, one element per managed
 * policy to create (IAM takes each separately: a managed policy is one document under 6,144 characters).
 */
export function policyFileContent(result: Pick<GenerationResult, 'policies'>): string {
  if (result.policies.length === 1) return `${result.policies[0] ?? ''}\n`;
  const parsed = result.policies.map((p) => {
    try {
      return JSON.parse(p) as unknown;
    } catch {
      return p;
    }
  });
  return `${JSON.stringify(parsed, null, 2)}\n`;
}

function policyBlocks(job: GenerationJobRecord, result: GenerationResult): KnownBlock[] {
  const n = result.policies.length;
  if (n === 0) return [];
  if (policyFitsInline(result)) {
    return result.policies.map((p, i) =>
      section(`*Policy*${n > 1 ? ` (part ${i + 1} of ${n})` : ''}\n\`\`\`${inlinePolicy(p)}\`\`\``),
    );
  }
  const chars = result.policies.reduce((sum, p) => sum + p.length, 0);
  const what = n > 1 ? `${n} policies (a JSON array, one element per managed policy)` : 'The policy';
  return [
    section(
      `📄 ${what}, ${chars.toLocaleString('en-US')} characters, too long for this message: attached as a file in the thread, ${code(policyFileName(job))}.`,
    ),
  ];
}

/**
 * Why "Request attach" is not offered for this job, or undefined when it is: the job has a result, the
 * principal is a role with a known ARN, the policy is not empty, ValidatePolicy found no errors (when it could
 * not run, the filled policy is validated before the request anyway) and nothing was attached yet.
 */
export function attachBlockedReason(job: GenerationJobRecord): string | undefined {
  const { result } = job;
  if (job.status !== 'SUCCEEDED' || !result) return 'The policy is not generated yet: nothing to attach.';
  if (job.principal.kind !== 'role') {
    return `Attaching from Slack is for roles: for user ${code(job.principal.name)}, create a managed policy from the JSON (IAM console → Policies → Create policy) and attach it yourself.`;
  }
  if (!job.principal.arn) return "The role's ARN is unknown, so the policy cannot be attached from here.";
  if (result.policies.length === 0) return 'The generated policy is empty: nothing to attach.';
  const errors = result.validation?.errors.length ?? 0;
  if (errors > 0) {
    return `❌ Fix the ${plural(errors, 'ValidatePolicy error')} first: a policy with errors cannot be attached. Edit the JSON and create the policy yourself.`;
  }
  if (job.attachment) return `Already attached (request ${code(job.attachment.requestId)}).`;
  return undefined;
}

function attachBlocks(job: GenerationJobRecord): KnownBlock[] {
  if (job.attachment) return [];
  const blocked = attachBlockedReason(job);
  if (blocked) return [section(job.principal.kind === 'role' ? blocked : `ℹ️ ${blocked}`)];
  const placeholders = job.result?.summary.placeholders.length ?? 0;
  const button: Button = {
    type: 'button',
    action_id: GENERATION_ATTACH_ACTION,
    value: job.id,
    style: 'primary',
    text: plain('Request attach'),
  };
  const fill = placeholders > 0 ? `fill the ${plural(placeholders, 'placeholder')}, ` : '';
  return [
    { type: 'actions', block_id: 'generation-attach', elements: [button] } satisfies ActionsBlock,
    {
      type: 'context',
      elements: [
        mrkdwn(
          `Request attach: ${fill}optionally detach broad policies; nothing changes until the request is approved.`,
        ),
      ],
    },
  ];
}

function attachmentBlocks(job: GenerationJobRecord): KnownBlock[] {
  const att: JobAttachment | undefined = job.attachment;
  if (!att) return [];
  const arns = joinWithin(
    att.policyArns.map((a) => safeText(a, 300, code)),
    1500,
    ', ',
    '%d more',
  );
  const lines = [
    att.partial
      ? `⚠️ Only partly done (request ${safeText(att.requestId, 100, code)}): ${arns ? `attached ${arns}` : 'nothing attached'}. It failed: ${safeText(att.partial, 600)}`
      : `📎 Attached ${arns || 'the policy'} (request ${safeText(att.requestId, 100, code)}) ${slackDate(new Date(att.at).toISOString())}`,
  ];
  const detachedList = joinWithin(
    att.detached.map((d) => `${safeText(d.name, 140, code)}`),
    1000,
    ', ',
    '%d more',
  );
  const blocks: KnownBlock[] = [];
  if (att.detached.length > 0 && att.revertedAt === undefined) {
    lines.push(`Detached in the same change: ${detachedList}`);
    blocks.push(section(lines.join('\n')));
    const names = joinWithin(
      att.detached.map((d) => d.name),
      200,
      ', ',
      '%d more',
    );
    const revert: Button = {
      type: 'button',
      action_id: GENERATION_REVERT_ACTION,
      value: job.id,
      text: plain('Revert detach'),
      confirm: {
        title: plain('Revert the detach?'),
        text: mrkdwn(
          safeText(
            `Requests approval to attach again: ${names}. Once approved they are re-attached; the least-privilege policy stays attached.`,
            CONFIRM_TEXT_MAX,
          ),
        ),
        confirm: plain('Request revert'),
        deny: plain('Keep detached'),
      },
    };
    blocks.push({ type: 'actions', block_id: 'generation-revert', elements: [revert] });
    return blocks;
  }
  if (att.detached.length > 0 && att.revertedAt !== undefined) {
    const by = att.revertRequestId ? ` (request ${safeText(att.revertRequestId, 100, code)})` : '';
    lines.push(`↩️ Re-attached ${detachedList}${by} ${slackDate(new Date(att.revertedAt).toISOString())}`);
  }
  return [section(lines.join('\n'))];
}

function resultBlocks(job: GenerationJobRecord, result: GenerationResult): KnownBlock[] {
  const blocks: KnownBlock[] = [section(summaryText(job, result))];
  if (result.policies.length > 0) blocks.push(section(validationText(result.validation)));
  if (result.gap) blocks.push(section(gapText(result.gap)));
  const notes = result.notes.filter((n) => typeof n === 'string' && n.trim() !== '');
  if (notes.length > 0) {
    const lines = notes.map((n) => `• ${prose(n, 600)}`);
    blocks.push(section(`*Notes*\n${joinWithin(lines, SECTION_MAX - 10, '\n', '… and %d more')}`));
  }
  blocks.push(...policyBlocks(job, result));
  blocks.push(...attachBlocks(job));
  blocks.push(...attachmentBlocks(job));
  return blocks;
}

function endedText(job: GenerationJobRecord, now: number): string {
  const error = job.error ? prose(job.error, 1500) : '';
  const command = `/iam-generate ${job.principal.name} --days ${job.days}${job.principal.kind === 'user' ? ' --user' : ''}`;
  const again = `Run ${safeText(command, 200, code)} to try again.`;
  switch (job.status) {
    case 'CANCELED':
      return [
        `🚫 *Canceled*${job.canceledBy ? ` by ${mention(job.canceledBy)}` : ''} after ${elapsedOf(job, now)}.`,
        ...(error ? [error] : []),
        again,
      ].join('\n');
    case 'TIMED_OUT':
      return [
        `⌛ *Timed out* after ${elapsedOf(job, now)}: the bot stopped waiting for Access Analyzer.`,
        ...(error ? [error] : []),
        again,
      ].join('\n');
    default:
      return [
        `❌ *Generation failed* after ${elapsedOf(job, now)}: ${error || 'no reason given.'}`,
        again,
      ].join('\n');
  }
}

function footer(job: GenerationJobRecord): KnownBlock {
  const parts = [`Job ${safeText(job.id, 200, code)}`];
  if (job.awsJobId) parts.push(`Access Analyzer job ${safeText(job.awsJobId, 200, code)}`);
  parts.push(`started ${slackDate(new Date(job.createdAt).toISOString())}`);
  return { type: 'context', elements: [mrkdwn(clip(parts.join(' · '), SECTION_MAX))] };
}

function fallbackText(job: GenerationJobRecord, now: number): string {
  const what = `Least-privilege policy for ${job.principal.kind} ${job.principal.name}`;
  let state: string;
  switch (job.status) {
    case 'STARTING':
      state = 'starting';
      break;
    case 'IN_PROGRESS':
      state = `generating (${formatElapsed(now - job.createdAt)})`;
      break;
    case 'SUCCEEDED': {
      const s = job.result?.summary;
      state = s
        ? `ready, ${plural(s.actions.length, 'action')} in ${plural(s.services.length, 'service')}`
        : 'ready';
      if (job.attachment) state += ', attached';
      break;
    }
    case 'FAILED':
      state = 'failed';
      break;
    case 'CANCELED':
      state = 'canceled';
      break;
    case 'TIMED_OUT':
      state = 'timed out';
      break;
  }
  return escapeMrkdwn(clip(`${what}: ${state}`, 300));
}

/**
 * The message for `job` at time `now` (epoch ms). `typicalMs` is the time scale of the progress estimate.
 * @example generationMessage(job, now, { typicalMs: 180_000 }).blocks.length // ≤ 50
 */
export function generationMessage(
  job: GenerationJobRecord,
  now: number,
  opts: { typicalMs: number },
): { text: string; blocks: KnownBlock[] } {
  const blocks: KnownBlock[] = [section(headerText(job))];
  switch (job.status) {
    case 'STARTING':
    case 'IN_PROGRESS':
      blocks.push(...progressBlocks(job, now, opts.typicalMs));
      break;
    case 'SUCCEEDED':
      if (job.result) blocks.push(...resultBlocks(job, job.result));
      else blocks.push(section('✅ *Policy generated*, but the result is missing: run the command again.'));
      break;
    default:
      blocks.push(section(endedText(job, now)));
  }
  const body = blocks.slice(0, MESSAGE_MAX_BLOCKS - 1);
  return { text: fallbackText(job, now), blocks: [...body, footer(job)] };
}
