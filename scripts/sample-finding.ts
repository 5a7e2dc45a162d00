/**
 * npm run sample-finding -- <kind>
 * Makes the running sandbox's AWS account produce a new finding of this kind (role, bucket, key, public,
 * unused); Access Analyzer's event then reaches the bot like a real one. Same as the console's
 * "Inject sample finding" menu. SANDBOX_PORT picks the sandbox (default 4010).
 */
import { INJECT_KINDS, isInjectKind } from '../src/sandbox/samples';

async function main(): Promise<void> {
  const kind = process.argv[2] ?? '';
  const kinds = INJECT_KINDS.map((k) => `  ${k.kind.padEnd(7)} ${k.label}`).join('\n');
  if (!isInjectKind(kind)) {
    console.error(`usage: npm run sample-finding -- <kind>\n\nkinds:\n${kinds}`);
    process.exit(2);
  }
  const port = (process.env.SANDBOX_PORT ?? '').trim() || '4010';
  const url = `http://127.0.0.1:${port}/console/api/inject`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind }),
    });
  } catch {
    console.error(
      `no sandbox answers at ${url}: start it with "npm start" (no Slack credentials) or "npm run sandbox"`,
    );
    process.exit(1);
  }
  const text = await res.text();
  if (!res.ok) {
    console.error(`the sandbox refused (${res.status}): ${text}`);
    process.exit(1);
  }
  const body = JSON.parse(text) as { ok?: boolean; notice?: string };
  if (!body.ok) {
    console.error(body.notice ?? text);
    process.exit(1);
  }
  console.log(body.notice ?? 'done');
}

void main();
