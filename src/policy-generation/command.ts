/**
 * The `/iam-generate` slash command: its text parsed into what to generate a policy for, and the CloudTrail
 * window the generation job reads. Pure: no I/O, so a bad command is answered with the usage text and never
 * reaches AWS.
 *
 * Grammar: `/iam-generate <name> [--days N] [--user]`. The name comes first and follows IAM's name rule
 * (`[\w+=,.@-]`, 1–64 characters, the same for roles and users); the options follow in any order, `--days N`
 * and `--days=N` alike. Days are a whole number from 1 to 90 (Access Analyzer reads at most 90 days of
 * CloudTrail), 30 when not given. Anything else (an unknown option, a second word, an option given twice) is
 * refused rather than guessed at. Long dashes (`—days`, `–user`), which macOS and phone keyboards type for
 * `--`, are read as `--`.
 *
 * @example
 *   parseGenerateCommand('app-role --days=7')   // { kind: 'role', name: 'app-role', days: 7 }
 *   parseGenerateCommand('--user alice')        // { error: 'Give the name first… \n\nUsage: /iam-generate …' }
 *   generationWindow(new Date('2026-03-31T12:00:00Z'), 30)
 *   // { startTime: 2026-03-01T12:00:00.000Z, endTime: 2026-03-31T12:00:00.000Z }
 */
import { InvalidInputError } from '../errors';
import { inCode } from '../slack/text';

export const GENERATE_COMMAND = '/iam-generate';
export const DEFAULT_DAYS = 30;
export const MIN_DAYS = 1;
/** Access Analyzer's limit on the CloudTrail time range of one generation. */
export const MAX_DAYS = 90;
/** IAM's rule for role and user names. */
export const IAM_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;

export const USAGE = [
  `Usage: \`${GENERATE_COMMAND} <role-name> [--days N] [--user]\``,
  `• \`<role-name>\`: the IAM role (or, with \`--user\`, the IAM user) to generate a least-privilege policy for; 1–64 letters, digits and \`+=,.@_-\``,
  `• \`--days N\`: how many days of CloudTrail activity to read, ${MIN_DAYS}–${MAX_DAYS} (default ${DEFAULT_DAYS})`,
  '• `--user`: the name is an IAM user, not a role',
  `Example: \`${GENERATE_COMMAND} app-deployer --days 14\``,
].join('\n');

export interface GenerateRequest {
  kind: 'role' | 'user';
  name: string;
  days: number;
}

/** A command that cannot run: `error` says what is wrong and ends with USAGE, ready to show ephemerally. */
export interface GenerateCommandError {
  error: string;
}

export type GenerateCommand = GenerateRequest | GenerateCommandError;

const DAY_MS = 24 * 60 * 60 * 1000;
/** `arn:<partition>:iam::<account>:role|user/<path/>name`: what people paste instead of a name. */
const PRINCIPAL_ARN = /^arn:[\w-]+:iam::\d{12}:(role|user)\/(?:.*\/)?([^/]+)$/;

const fail = (problem: string): GenerateCommandError => ({ error: `${problem}\n\n${USAGE}` });

/** `—x` / `–x` (typed by smart punctuation) → `--x`. */
const normaliseDashes = (token: string): string => token.replace(/^[\u2012-\u2015]/, '--');

function nameProblem(name: string): string | undefined {
  if (IAM_NAME_PATTERN.test(name)) return undefined;
  const arn = PRINCIPAL_ARN.exec(name);
  if (arn) {
    const flag = arn[1] === 'user' ? ' --user' : '';
    return `Give the name, not the ARN: \`${GENERATE_COMMAND} ${inCode(arn[2] ?? '')}${flag}\`.`;
  }
  if (name.length > 64)
    return `\`${inCode(name.slice(0, 64))}…\` is too long for an IAM name (at most 64 characters).`;
  return `\`${inCode(name.slice(0, 200))}\` is not a valid IAM name: use only letters, digits and \`+=,.@_-\` (no \`/\` or spaces).`;
}

function parseDays(value: string | undefined): number | string {
  if (value === undefined || value === '') return '`--days` needs a number of days, e.g. `--days 30`.';
  const days = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(days) || days < MIN_DAYS || days > MAX_DAYS) {
    return `\`--days ${inCode(value.slice(0, 50))}\` is not possible: give a whole number of days from ${MIN_DAYS} to ${MAX_DAYS}.`;
  }
  return days;
}

/**
 * Parses the text after `/iam-generate`.
 * @returns the request, or `{ error }` with the problem and the usage text.
 */
export function parseGenerateCommand(text: string): GenerateCommand {
  const tokens = text.trim().split(/\s+/).filter(Boolean).map(normaliseDashes);
  const [name, ...rest] = tokens;
  if (name === undefined) {
    return fail('Give the name of the role (or of the user, with `--user`) to generate a policy for.');
  }
  if (name.startsWith('--')) {
    return fail(
      `Give the name first, then the options: \`${GENERATE_COMMAND} &lt;role-name&gt; ${inCode(tokens.join(' ').slice(0, 200))}\`.`,
    );
  }
  const problem = nameProblem(name);
  if (problem) return fail(problem);

  let kind: GenerateRequest['kind'] = 'role';
  let days: number | undefined;
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i] ?? '';
    const [flag = '', inline] = token.startsWith('--') ? splitOnce(token, '=') : [token, undefined];
    if (flag === '--user') {
      if (inline !== undefined) return fail('`--user` takes no value.');
      kind = 'user';
    } else if (flag === '--days') {
      if (days !== undefined) return fail('`--days` is given twice: give it once.');
      const value = inline ?? rest[++i];
      const parsed = parseDays(value?.startsWith('--') ? undefined : value);
      if (typeof parsed === 'string') return fail(parsed);
      days = parsed;
    } else if (token.startsWith('-')) {
      return fail(`Unknown option \`${inCode(flag.slice(0, 50))}\`.`);
    } else {
      return fail(`Unexpected \`${inCode(token.slice(0, 100))}\`: give one name, then options.`);
    }
  }
  return { kind, name, days: days ?? DEFAULT_DAYS };
}

function splitOnce(token: string, separator: string): [string, string | undefined] {
  const at = token.indexOf(separator);
  return at < 0 ? [token, undefined] : [token.slice(0, at), token.slice(at + 1)];
}

/** Type guard for the error branch of parseGenerateCommand. */
export function isCommandError(command: GenerateCommand): command is GenerateCommandError {
  return 'error' in command;
}

/**
 * The CloudTrail window for StartPolicyGeneration: the `days` full days (of 24 hours) that end at `now`.
 * @throws InvalidInputError when days is not a whole number from 1 to 90.
 * @example generationWindow(new Date('2026-03-31T12:00:00Z'), 1)
 * // { startTime: 2026-03-30T12:00:00.000Z, endTime: 2026-03-31T12:00:00.000Z }
 */
export function generationWindow(now: Date, days: number): { startTime: Date; endTime: Date } {
  if (!Number.isInteger(days) || days < MIN_DAYS || days > MAX_DAYS) {
    throw new InvalidInputError(`policy generation window must be ${MIN_DAYS}–${MAX_DAYS} days, got ${days}`);
  }
  return { startTime: new Date(now.getTime() - days * DAY_MS), endTime: new Date(now.getTime()) };
}
