/**
 * The README documents every public name a deployment relies on: each environment variable the bot reads, each
 * stack parameter, and each variable the stack sets (so nothing appears in a task definition unexplained).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONTEXT_KEYS, STACK_MANAGED_VARIABLES } from '../../../infra/lib/settings';

const root = path.join(__dirname, '..', '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

/** The keys of a zod environment schema: lines `  NAME: …` at two spaces of indentation. */
function schemaKeys(file: string): string[] {
  return [...read(file).matchAll(/^ {2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1] as string);
}

const botVariables = [
  ...schemaKeys('src/config.ts'),
  ...schemaKeys('src/approvals/policy-config.ts'),
  // The sandbox's own settings (loadSandboxSettings).
  ...[...read('src/config.ts').matchAll(/port\('([A-Z_]+)'|env\.([A-Z_]+)/g)].map(
    (m) => (m[1] ?? m[2]) as string,
  ),
];

test('the derivation finds the variables (so an empty list cannot pass)', () => {
  expect(botVariables).toEqual(
    expect.arrayContaining([
      'SLACK_BOT_TOKEN',
      'FINDINGS_QUEUE_URL',
      'APPROVERS',
      'SENSITIVE_ACCOUNTS',
      'SANDBOX_PORT',
    ]),
  );
  expect(botVariables.length).toBeGreaterThan(25);
});

test.each([...new Set(botVariables)])('bot variable %s is documented', (name) => {
  expect(readme).toContain(`\`${name}\``);
});

test.each([...CONTEXT_KEYS])('stack parameter %s is documented', (key) => {
  expect(readme).toContain(`| \`${key}\``);
});

test.each([...STACK_MANAGED_VARIABLES])('variable %s the stack sets is documented', (name) => {
  expect(readme).toContain(`\`${name}\``);
});
