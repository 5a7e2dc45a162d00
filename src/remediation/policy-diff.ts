/**
 * A short line diff of two policy documents for Slack: both are pretty-printed (2-space JSON) and compared
 * line by line (longest common subsequence); changed lines carry `+ ` or `- `, a few unchanged lines around
 * them carry two spaces, and skipped stretches show as `…`. Pure.
 */
import type { PolicyDocument } from './policy-document';

export interface DiffOptions {
  /** Unchanged lines shown around each change. Default 2. */
  context?: number;
  /** Lines shown at most; the rest is summarised in one line. Default 60. */
  maxLines?: number;
}

type Op = { mark: ' ' | '+' | '-'; line: string };

function lineOps(a: string[], b: string[]): Op[] {
  // lcs[i][j] = length of the longest common subsequence of a[i..] and b[j..].
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ mark: ' ', line: a[i++]! });
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      ops.push({ mark: '+', line: b[j++]! });
    } else {
      ops.push({ mark: '-', line: a[i++]! });
    }
  }
  // Within a run of changes, show what went before what came: all removals, then all additions.
  for (let k = 0; k < ops.length;) {
    let end = k;
    while (end < ops.length && ops[end]!.mark !== ' ') end++;
    const run = ops.slice(k, end);
    ops.splice(k, run.length, ...run.filter((o) => o.mark === '-'), ...run.filter((o) => o.mark === '+'));
    k = end === k ? k + 1 : end;
  }
  return ops;
}

/**
 * @example
 * policyDiff(before, after)
 * // '    }\n-   ]\n+   },\n+   {\n+     "Sid": "AADeny…",\n…'  (one line per entry)
 */
export function policyDiff(
  before: PolicyDocument | undefined,
  after: PolicyDocument | undefined,
  options: DiffOptions = {},
): string {
  const context = options.context ?? 2;
  const maxLines = options.maxLines ?? 60;
  const lines = (d: PolicyDocument | undefined) => (d ? JSON.stringify(d, null, 2).split('\n') : []);
  const ops = lineOps(lines(before), lines(after));
  const changed = ops.map((o) => o.mark !== ' ');
  if (!changed.includes(true)) return '(no change)';
  const shown = ops.map((_o, k) => changed.slice(Math.max(0, k - context), k + context + 1).includes(true));
  const out: string[] = [];
  ops.forEach((o, k) => {
    if (shown[k]) out.push(`${o.mark} ${o.line}`);
    else if (shown[k - 1] || (k === 0 && out.length === 0)) out.push('…');
  });
  if (out.length <= maxLines) return out.join('\n');
  const rest = out.slice(maxLines).filter((l) => l.startsWith('+') || l.startsWith('-')).length;
  return [...out.slice(0, maxLines), `… ${rest} more changed line(s)`].join('\n');
}
