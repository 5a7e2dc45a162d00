/**
 * The task role grants exactly what the code calls: the actions derived from the SDK commands and dynamoose
 * calls in src/ (test/infra/helpers/code-actions.ts), for each deployment shape, nothing missing and nothing
 * extra; write actions are scoped to the narrowest resources, and every wildcard carries a reason.
 */
import { TASK_ROLE_WILDCARDS } from '../../infra/lib/nag-suppressions';
import { type Feature, neededActions } from './helpers/code-actions';
import { HTTP_API_DESTINATION, MINIMAL, SOCKET_FULL, type Synthesized, synthStack } from './helpers/synth';
import * as iam from 'aws-cdk-lib/aws-iam';

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** The statements of every policy attached to the task role (separate policies and inline ones). */
function taskRoleStatements(s: Synthesized): Statement[] {
  const json = s.template.toJSON() as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const roleId = s.stack.getLogicalId(s.stack.bot.taskRole.node.defaultChild as iam.CfnRole);
  const out: Statement[] = [];
  for (const r of Object.values(json.Resources)) {
    if (r.Type === 'AWS::IAM::Policy') {
      const roles = (r.Properties.Roles as { Ref?: string }[]) ?? [];
      if (roles.some((ref) => ref.Ref === roleId)) {
        out.push(...((r.Properties.PolicyDocument as { Statement: Statement[] }).Statement ?? []));
      }
    }
  }
  const role = json.Resources[roleId];
  for (const p of (role?.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]) ?? []) {
    out.push(...p.PolicyDocument.Statement);
  }
  return out;
}

const allowed = (statements: Statement[]) =>
  new Set(statements.filter((st) => st.Effect === 'Allow').flatMap((st) => list(st.Action)));

/** Resource entries rendered the way cdk-nag names them: `arn:<AWS::Partition>:…`, `<LogicalId.Arn>`. */
function render(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const r = resource as Record<string, unknown>;
  if (r.Ref) return `<${r.Ref as string}>`;
  if (r['Fn::GetAtt']) return `<${(r['Fn::GetAtt'] as string[]).join('.')}>`;
  if (r['Fn::Join']) {
    const [sep, parts] = r['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(sep);
  }
  return JSON.stringify(resource);
}

function diff(needed: Set<string>, granted: Set<string>) {
  return {
    missing: [...needed].filter((a) => !granted.has(a)).sort(),
    extra: [...granted].filter((a) => !needed.has(a)).sort(),
  };
}

/** Actions that support no resource type: IAM accepts only "*" for them. */
const NO_RESOURCE_TYPE = new Set([
  'access-analyzer:StartPolicyGeneration',
  'access-analyzer:GetGeneratedPolicy',
  'access-analyzer:CancelPolicyGeneration',
  'access-analyzer:ValidatePolicy',
  'iam:ListPolicies',
]);

const SHAPES: [string, Record<string, unknown>, Feature[]][] = [
  ['minimal (Socket Mode, SQS)', MINIMAL, ['findingsQueue']],
  ['every option with SQS', SOCKET_FULL, ['findingsQueue', 'eventBus', 'policyGeneration']],
  ['HTTP mode with the API destination', HTTP_API_DESTINATION, []],
];

describe.each(SHAPES)('task role, %s', (_name, context, features) => {
  let s: Synthesized;
  let statements: Statement[];
  beforeAll(() => {
    s = synthStack(context);
    statements = taskRoleStatements(s);
  });

  test('grants every action the code calls for this shape, and nothing else', () => {
    expect(diff(neededActions(new Set(features)), allowed(statements))).toEqual({ missing: [], extra: [] });
  });

  test('no action wildcards ("s3:*", "*")', () => {
    for (const st of statements) for (const a of list(st.Action)) expect(a).not.toMatch(/\*/);
  });

  test('"*" only for the actions that support no resource type', () => {
    for (const st of statements.filter((x) => x.Effect === 'Allow')) {
      if (list(st.Resource).includes('*')) {
        expect({ sid: st.Sid, actions: list(st.Action).filter((a) => !NO_RESOURCE_TYPE.has(a)) }).toEqual({
          sid: st.Sid,
          actions: [],
        });
      }
    }
  });

  test('every other wildcard resource is one with a documented reason', () => {
    const reasons = new Set(Object.keys(TASK_ROLE_WILDCARDS));
    for (const st of statements.filter((x) => x.Effect === 'Allow')) {
      for (const r of list(st.Resource).map(render)) {
        if (!r.includes('*') || r.endsWith('/archive-rule/*')) continue;
        expect(reasons).toContain(r);
      }
    }
  });

  test('the bot can never change its own roles or its secrets', () => {
    const denies = statements.filter((st) => st.Effect === 'Deny');
    const denied = new Set(denies.flatMap((st) => list(st.Action)));
    for (const a of [
      'iam:UpdateAssumeRolePolicy',
      'iam:AttachRolePolicy',
      'iam:DetachRolePolicy',
      'iam:PutRolePolicy',
    ])
      expect(denied).toContain(a);
    const deniedResources = denies.flatMap((st) => list(st.Resource).map(render)).join(' ');
    const taskRole = s.stack.getLogicalId(s.stack.bot.taskRole.node.defaultChild as iam.CfnRole);
    const secret = s.stack.getLogicalId(s.stack.bot.slackSecret.node.defaultChild as never);
    expect(deniedResources).toContain(`<${taskRole}.Arn>`);
    expect(deniedResources).toContain(`<${secret}>`);
  });

  test('DynamoDB only on the eight tables and their five indexes', () => {
    const resources = statements
      .filter((st) => list(st.Action).some((a) => a.startsWith('dynamodb:')))
      .flatMap((st) => list(st.Resource).map(render));
    expect(resources.filter((r) => /^<Tables[A-Za-z0-9]+\.Arn>$/.test(r))).toHaveLength(8);
    expect(resources.filter((r) => r.includes('/index/')).sort()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/index\/reviewDueIndex$/),
        expect.stringMatching(/\/index\/statusDueIndex$/),
        expect.stringMatching(/\/index\/pollDueIndex$/),
        expect.stringMatching(/\/index\/syncDueIndex$/),
        expect.stringMatching(/\/index\/postDueIndex$/),
      ]),
    );
    expect(resources).toHaveLength(13);
  });

  test('findings, previews and archive rules only on the one analyzer', () => {
    for (const st of statements.filter((x) => x.Effect === 'Allow')) {
      const actions = list(st.Action).filter(
        (a) => a.startsWith('access-analyzer:') && !NO_RESOURCE_TYPE.has(a),
      );
      if (actions.length === 0) continue;
      for (const r of list(st.Resource).map(render))
        expect(r).toMatch(/^<FindingsAnalyzer[A-Z0-9]+\.Arn>(\/archive-rule\/\*)?$/);
    }
  });

  test('the bucket-policy statement is limited to this account', () => {
    const st = statements.find((x) => list(x.Action).includes('s3:PutBucketPolicy'));
    expect(st?.Condition).toEqual({ StringEquals: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } } });
  });

  if (features.includes('findingsQueue')) {
    test('consuming the findings queue only on that queue', () => {
      const st = statements.find((x) => list(x.Action).includes('sqs:ReceiveMessage'));
      expect(list(st?.Resource).map(render)).toEqual([
        expect.stringMatching(/^<FindingsF[A-Z0-9]{7}\.Arn>$/),
      ]);
    });
  }
  if (features.includes('eventBus')) {
    test('events:PutEvents only on the decision bus', () => {
      const st = statements.find((x) => list(x.Action).includes('events:PutEvents'));
      expect(list(st?.Resource).map(render)).toEqual([
        expect.stringMatching(/^<DecisionEvents[A-Z0-9]+\.Arn>$/),
      ]);
    });
  }
  if (features.includes('policyGeneration')) {
    test('iam:PassRole only on the generation role, only to Access Analyzer', () => {
      const st = statements.find((x) => list(x.Action).includes('iam:PassRole'));
      expect(list(st?.Action)).toEqual(['iam:PassRole']);
      expect(list(st?.Resource).map(render)).toEqual([
        expect.stringMatching(/^<PolicyGenerationRole[A-Z0-9]+\.Arn>$/),
      ]);
      expect(st?.Condition).toEqual({
        StringEquals: { 'iam:PassedToService': 'access-analyzer.amazonaws.com' },
      });
    });
  }
});

describe('the comparison itself', () => {
  test('an action granted beyond what the code calls is reported as extra', () => {
    const s = synthStack(MINIMAL, {
      mutate: (stack) =>
        stack.bot.taskRole.addToPrincipalPolicy(
          new iam.PolicyStatement({
            actions: ['dynamodb:DeleteTable'],
            resources: ['arn:aws:dynamodb:*:*:table/x'],
          }),
        ),
    });
    expect(diff(neededActions(new Set(['findingsQueue'])), allowed(taskRoleStatements(s))).extra).toEqual([
      'dynamodb:DeleteTable',
    ]);
  });

  test('an action the code calls but the role lacks is reported as missing', () => {
    const s = synthStack(MINIMAL);
    const granted = allowed(taskRoleStatements(s));
    granted.delete('access-analyzer:UpdateFindings');
    expect(diff(neededActions(new Set(['findingsQueue'])), granted).missing).toEqual([
      'access-analyzer:UpdateFindings',
    ]);
  });

  test('the derivation sees the optional features apart from the core', () => {
    const core = neededActions(new Set());
    expect(core).toContain('access-analyzer:UpdateFindings');
    expect(core).toContain('dynamodb:UpdateItem');
    expect(core).toContain('sqs:GetQueueAttributes'); // Deny reads queue policies too
    expect(core).not.toContain('sqs:ReceiveMessage');
    expect(core).not.toContain('events:PutEvents');
    expect(core).not.toContain('iam:PassRole');
    expect(neededActions(new Set(['policyGeneration']))).toContain('iam:PassRole');
  });
});
