/**
 * Derives the IAM actions the bot's code can call, from its source: every SDK command (`XCommand`) and
 * paginator (`paginateX`) it imports from an `@aws-sdk/client-*` package, plus the DynamoDB operations its
 * dynamoose models perform in src/store. Each action remembers the files that need it, so an action only
 * needed by an optional feature (the findings queue, the decision bus, /iam-generate) can be told apart.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');
const SRC = path.join(ROOT, 'src');

/** SDK client package → IAM service prefix. An unknown package fails the derivation (add it here). */
export const IAM_PREFIX: Record<string, string> = {
  '@aws-sdk/client-accessanalyzer': 'access-analyzer',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-iam': 'iam',
  '@aws-sdk/client-kms': 'kms',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-sqs': 'sqs',
};

/** Operations whose IAM action has another name (Service Authorization Reference). */
export const ACTION_OF_OPERATION: Record<string, string> = {
  'access-analyzer:GetFindingV2': 'access-analyzer:GetFinding',
  'access-analyzer:ListFindingsV2': 'access-analyzer:ListFindings',
};

/** Operations that need a second action as well. */
export const ALSO_NEEDS: Record<string, string[]> = {
  // Passing cloudTrailDetails.accessRole to Access Analyzer.
  'access-analyzer:StartPolicyGeneration': ['iam:PassRole'],
};

/** dynamoose model method → DynamoDB action (a transaction's create is authorised as PutItem). */
export const DYNAMOOSE_ACTIONS: Record<string, string> = {
  get: 'dynamodb:GetItem',
  batchGet: 'dynamodb:BatchGetItem',
  create: 'dynamodb:PutItem',
  'transaction.create': 'dynamodb:PutItem',
  update: 'dynamodb:UpdateItem',
  'transaction.update': 'dynamodb:UpdateItem',
  delete: 'dynamodb:DeleteItem',
  'transaction.delete': 'dynamodb:DeleteItem',
  'transaction.condition': 'dynamodb:ConditionCheckItem',
  query: 'dynamodb:Query',
  scan: 'dynamodb:Scan',
  batchPut: 'dynamodb:BatchWriteItem',
  batchDelete: 'dynamodb:BatchWriteItem',
};

export type Feature = 'core' | 'findingsQueue' | 'eventBus' | 'policyGeneration';

/** Source files that exist only for an optional feature; every other file is core. */
export const FEATURE_OF_FILE: Record<string, Feature> = {
  'src/ingest/sqs.ts': 'findingsQueue',
  'src/aws/decision-events.ts': 'eventBus',
  'src/aws/policy-generation.ts': 'policyGeneration',
  'src/aws/iam-policies.ts': 'policyGeneration',
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'sandbox' ? [] : sourceFiles(full); // the local stand-ins, not the bot
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** The dynamoose models' names: the model members of the `Models` interface in src/store/models.ts. */
function modelNames(): string[] {
  const text = fs.readFileSync(path.join(SRC, 'store', 'models.ts'), 'utf8');
  const names = [...text.matchAll(/^\s+(\w+): ReturnType<typeof dynamoose\.model</gm)].map(
    (m) => m[1] as string,
  );
  if (names.length === 0) throw new Error('no dynamoose models found in src/store/models.ts');
  return names;
}

/** action → the repository-relative files that need it. */
export function codeActions(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (action: string, file: string) => {
    const files = out.get(action) ?? new Set<string>();
    files.add(file);
    out.set(action, files);
  };
  for (const full of sourceFiles(SRC)) {
    const file = path.relative(ROOT, full).split(path.sep).join('/');
    const text = fs.readFileSync(full, 'utf8');
    for (const m of text.matchAll(
      /import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g,
    )) {
      const prefix = IAM_PREFIX[m[2] as string];
      if (!prefix) throw new Error(`${file} imports ${m[2]}: add its IAM prefix to IAM_PREFIX`);
      for (const raw of (m[1] as string).split(',')) {
        const name = raw.trim().replace(/^type\s+/, '');
        const op =
          /^([A-Z][A-Za-z0-9]+)Command$/.exec(name)?.[1] ?? /^paginate([A-Z][A-Za-z0-9]+)$/.exec(name)?.[1];
        if (!op || raw.trim().startsWith('type ')) continue;
        const action = ACTION_OF_OPERATION[`${prefix}:${op}`] ?? `${prefix}:${op}`;
        add(action, file);
        for (const extra of ALSO_NEEDS[action] ?? []) add(extra, file);
      }
    }
    if (file.startsWith('src/store/')) {
      for (const model of modelNames()) {
        const calls = new RegExp(`\\b${model}\\s*\\.\\s*((?:transaction\\.)?[A-Za-z]+)\\(`, 'g');
        for (const m of text.matchAll(calls)) {
          const action = DYNAMOOSE_ACTIONS[m[1] as string];
          if (action) add(action, file);
        }
      }
    }
  }
  return out;
}

/** The actions the code needs with these optional features on (an action any core file needs is core). */
export function neededActions(features: ReadonlySet<Feature>): Set<string> {
  const needed = new Set<string>();
  for (const [action, files] of codeActions()) {
    const featuresNeeding = [...files].map((f) => FEATURE_OF_FILE[f] ?? 'core');
    if (featuresNeeding.some((f) => f === 'core' || features.has(f))) needed.add(action);
  }
  return needed;
}
