/**
 * "Access level" as the IAM console groups actions (List, Read, Write, Permissions management, Tagging),
 * derived from action names. AWS publishes the exact level per action in the Service Authorization Reference;
 * we approximate it from the verb, which is right for the actions Access Analyzer reports in practice
 * (sts:AssumeRole, s3:GetObject, s3:PutObject, s3:ListBucket, kms:Decrypt, sqs:SendMessage …).
 */
const RULES: [RegExp, string][] = [
  [/^(tag|untag)/i, 'Tagging'],
  [/(policy|permission|acl|grant)/i, 'Permissions management'],
  [/^(list)/i, 'List'],
  [/^(get|describe|head|read|download|select|query|scan|receive|search|lookup|retrieve|batchget)/i, 'Read'],
];

export function accessLevelOf(action: string): string {
  if (action === '*' || action.endsWith(':*')) return 'All (wildcard)';
  const verb = action.includes(':') ? action.slice(action.indexOf(':') + 1) : action;
  for (const [pattern, level] of RULES) if (pattern.test(verb)) return level;
  return 'Write';
}

/** Distinct levels for a set of actions, in the console's order. */
export function accessLevels(actions: string[] | undefined): string[] {
  const order = ['All (wildcard)', 'List', 'Read', 'Write', 'Permissions management', 'Tagging'];
  const levels = new Set((actions ?? []).map(accessLevelOf));
  return order.filter((l) => levels.has(l));
}
