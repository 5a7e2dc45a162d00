import { InvalidInputError } from '../../../src/errors';
import {
  DEFAULT_DAYS,
  GENERATE_COMMAND,
  USAGE,
  generationWindow,
  isCommandError,
  parseGenerateCommand,
  type GenerateRequest,
} from '../../../src/policy-generation/command';

describe('parseGenerateCommand', () => {
  it.each<[string, string, GenerateRequest]>([
    [
      'a role name alone, with the default window',
      'app-deployer',
      { kind: 'role', name: 'app-deployer', days: 30 },
    ],
    ['every character IAM allows in a name', 'a_Z0+=,.@-', { kind: 'role', name: 'a_Z0+=,.@-', days: 30 }],
    ['a 64-character name', 'r'.repeat(64), { kind: 'role', name: 'r'.repeat(64), days: 30 }],
    ['--days N', 'app --days 7', { kind: 'role', name: 'app', days: 7 }],
    ['--days=N', 'app --days=14', { kind: 'role', name: 'app', days: 14 }],
    ['the smallest window', 'app --days 1', { kind: 'role', name: 'app', days: 1 }],
    ['the largest window', 'app --days=90', { kind: 'role', name: 'app', days: 90 }],
    ['--user', 'alice --user', { kind: 'user', name: 'alice', days: 30 }],
    ['options in either order', 'alice --user --days 5', { kind: 'user', name: 'alice', days: 5 }],
    ['options in the other order', 'alice --days 5 --user', { kind: 'user', name: 'alice', days: 5 }],
    ['extra spaces and tabs', '  app \t --days   3  ', { kind: 'role', name: 'app', days: 3 }],
    [
      'long dashes typed by smart punctuation',
      'alice —user –days 9',
      { kind: 'user', name: 'alice', days: 9 },
    ],
    ['leading zeros in days', 'app --days 07', { kind: 'role', name: 'app', days: 7 }],
  ])('accepts %s', (_name, text, expected) => {
    // Prepare / Act
    const command = parseGenerateCommand(text);

    // Assess
    expect(command).toEqual(expected);
  });

  it.each([
    ['no text', '', 'Give the name of the role'],
    ['only spaces', '   ', 'Give the name of the role'],
    ['an option before the name', '--user alice', 'Give the name first'],
    ['a 65-character name', 'r'.repeat(65), 'too long'],
    ['a name with a slash (a path)', 'service-role/app', 'not a valid IAM name'],
    ['a name with a colon', 'app:1', 'not a valid IAM name'],
    ['a non-ASCII name', 'rôle', 'not a valid IAM name'],
    ['a role ARN', 'arn:aws:iam::111122223333:role/service-role/app', '/iam-generate app`'],
    ['a user ARN', 'arn:aws:iam::111122223333:user/alice', '/iam-generate alice --user`'],
    ['a second word', 'app other', 'Unexpected `other`'],
    ['an unknown option', 'app --role', 'Unknown option `--role`'],
    ['an unknown option with a value', 'app --region=eu-west-1', 'Unknown option `--region`'],
    ['a single-dash option', 'app -d 7', 'Unknown option `-d`'],
    ['--days without a value', 'app --days', '`--days` needs a number'],
    ['--days= without a value', 'app --days=', '`--days` needs a number'],
    ['--days followed by another option', 'app --days --user', '`--days` needs a number'],
    ['zero days', 'app --days 0', 'from 1 to 90'],
    ['91 days', 'app --days 91', 'from 1 to 90'],
    ['a fraction of days', 'app --days 1.5', 'from 1 to 90'],
    ['negative days', 'app --days=-3', 'from 1 to 90'],
    ['days as a word', 'app --days ten', 'from 1 to 90'],
    ['days given twice', 'app --days 3 --days 4', 'given twice'],
    ['a value for --user', 'app --user=bob', '`--user` takes no value'],
  ])('refuses %s with the problem and the usage', (_name, text, problem) => {
    // Prepare / Act
    const command = parseGenerateCommand(text);

    // Assess
    expect(isCommandError(command)).toBe(true);
    const { error } = command as { error: string };
    expect(error).toContain(problem);
    expect(error.endsWith(USAGE)).toBe(true);
  });

  it('names the command, every option and the limits in the usage', () => {
    // Assess
    expect(USAGE).toContain(GENERATE_COMMAND);
    for (const part of ['<role-name>', '--days N', '--user', '1–90', `default ${DEFAULT_DAYS}`]) {
      expect(USAGE).toContain(part);
    }
  });

  it('tells a request from an error', () => {
    // Prepare / Act
    const ok = parseGenerateCommand('app');

    // Assess
    expect(isCommandError(ok)).toBe(false);
  });
});

describe('generationWindow', () => {
  it.each([
    [30, '2026-03-01T12:00:00.000Z'],
    [1, '2026-03-30T12:00:00.000Z'],
    [90, '2025-12-31T12:00:00.000Z'],
  ])('reads the %i days that end now', (days, start) => {
    // Prepare
    const now = new Date('2026-03-31T12:00:00Z');

    // Act
    const window = generationWindow(now, days);

    // Assess
    expect(window.startTime.toISOString()).toBe(start);
    expect(window.endTime.toISOString()).toBe('2026-03-31T12:00:00.000Z');
    expect(window.endTime).not.toBe(now);
  });

  it.each([0, 91, 2.5, Number.NaN])('refuses a window of %p days', (days) => {
    // Act / Assess
    expect(() => generationWindow(new Date('2026-03-31T12:00:00Z'), days)).toThrow(InvalidInputError);
  });
});
