/**
 * Issue #6, a generated policy too long for a Slack message: the message says how long it is and that it is
 * attached as a file in its thread, and the file in the thread is valid JSON holding exactly what the role did:
 * one policy document, or (when Access Analyzer split it into several policies) a JSON array of them.
 */
import type { AwsStandin } from '../../../src/sandbox/aws-standin';
import type { StoredMessage } from '../../../src/sandbox/slack-standin/types';
import {
  type GenerationHarness,
  generated,
  shownText,
  startGenerationHarness,
} from '../../helpers/generation';
import { APPROVER1 } from '../../helpers/deny';
import { CHANNEL, ONCALL, eventually } from '../../helpers/harness';

const ROLE = 'DataPipeline';
const DAY = 24 * 60 * 60 * 1000;
const NOUNS = [
  'Instance',
  'Volume',
  'Snapshot',
  'Image',
  'Subnet',
  'Route',
  'Gateway',
  'Address',
  'Tag',
  'Endpoint',
];

/** `count` distinct read actions per service (`ec2:DescribeInstance1`, …), each recorded yesterday. */
function recordActivity(aws: AwsStandin, roleArn: string, services: string[], count: number): string[] {
  const actions: string[] = [];
  for (const service of services) {
    for (let i = 0; i < count; i++) {
      const action = `${service}:Describe${NOUNS[i % NOUNS.length]}${Math.floor(i / NOUNS.length) + 1}`;
      aws.recordActivity(roleArn, { service, action, at: new Date(aws.now().getTime() - DAY) });
      actions.push(action);
    }
  }
  return actions.sort();
}

function harnessWith(
  services: string[],
  count: number,
): Promise<{ h: GenerationHarness; actions: string[] }> {
  let actions: string[] = [];
  return startGenerationHarness({
    seed: ({ aws }) => {
      const role = aws.iam.createRole({
        name: ROLE,
        trustPolicy: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'glue.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
      });
      actions = recordActivity(aws, role.arn, services, count);
    },
  }).then((h) => ({ h, actions }));
}

/** The file-share reply in the message's thread, and the file's content parsed. */
async function uploadedPolicy(h: GenerationHarness, message: StoredMessage) {
  const share = await eventually(
    () => h.slack.replies(CHANNEL, message.ts).find((r) => (r.files?.length ?? 0) > 0),
    8000,
  );
  const file = share.files![0]!;
  const content = h.slack.fileContent(file.id)?.toString('utf8') ?? '';
  return { share, file, content, parsed: JSON.parse(content) as unknown };
}

type Doc = { Version: string; Statement: { Effect: string; Action: string[]; Resource: string }[] };
const actionsOf = (docs: Doc[]) => docs.flatMap((d) => d.Statement.flatMap((s) => s.Action)).sort();

describe('/iam-generate with a policy too long for the message', () => {
  let h: GenerationHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('uploads a long policy as a JSON file in the thread, and says so in the message', async () => {
    // Prepare: 120 distinct ec2 actions: one policy, too long to show inline
    const started = await harnessWith(['ec2'], 120);
    h = started.h;

    // Act
    const { job, message } = await generated(h, `${ROLE} --days 7`);

    // Assess: one part, shown as a file
    expect(job.result?.policies).toHaveLength(1);
    const text = shownText(message);
    expect(text).toMatch(
      /📄 The policy, [\d,]+ characters, too long for this message: attached as a file in the thread, `DataPipeline-least-privilege\.json`\./,
    );
    expect(text).not.toContain('"ec2:DescribeInstance1"');
    expect(text).toContain('*120 actions* in *1 service*: `ec2`');
    // Assess: the file is the policy document, with every action the role used
    const { share, file, parsed } = await uploadedPolicy(h, message);
    expect(file.name).toBe('DataPipeline-least-privilege.json');
    expect(share.text).toContain('The generated policy for role `DataPipeline` (too long for the message)');
    const doc = parsed as Doc;
    expect(doc.Version).toBe('2012-10-17');
    expect(actionsOf([doc])).toEqual(started.actions);
    // The window asked for: 7 days ending now
    const window = h.aws.callsTo('StartPolicyGeneration')[0]?.input as {
      cloudTrailDetails: { startTime: string; endTime: string };
    };
    const { startTime, endTime } = window.cloudTrailDetails;
    expect(Date.parse(endTime) - Date.parse(startTime)).toBe(7 * DAY);
  });

  it('uploads a policy Access Analyzer split in several parts as a JSON array of the documents', async () => {
    // Prepare: 6 services × 60 actions: more than one managed policy can hold
    const started = await harnessWith(['ec2', 'rds', 'dynamodb', 'sqs', 'lambda', 'logs'], 60);
    h = started.h;

    // Act
    const { job, message } = await generated(h, ROLE);

    // Assess: several parts, said in the message, none shown inline
    const parts = job.result?.policies.length ?? 0;
    expect(parts).toBeGreaterThan(1);
    const text = shownText(message);
    expect(text).toContain(`Split by Access Analyzer into ${parts} policies (each under IAM's size limit).`);
    expect(text).toContain(`📄 ${parts} policies (a JSON array, one element per managed policy)`);
    expect(text).not.toContain('*Policy*');
    // Assess: the file is an array of the parts, which together hold every action the role used
    const { parsed } = await uploadedPolicy(h, message);
    expect(Array.isArray(parsed)).toBe(true);
    const docs = parsed as Doc[];
    expect(docs).toHaveLength(parts);
    for (const doc of docs) {
      expect(doc.Version).toBe('2012-10-17');
      expect(JSON.stringify(doc).length).toBeLessThanOrEqual(6144);
    }
    expect(actionsOf(docs)).toEqual(started.actions);

    // Act: the split policy is requested (nothing to fill) and approved
    const modal = await h.openAttachModal(job.id);
    expect((await h.slack.submitView({ viewId: modal.id, userId: ONCALL })).outcome).toBe('closed');
    await h.approve(await h.attachRequest(job.id), APPROVER1);

    // Assess: one managed policy per part, named `-<part>of<parts>`, all attached
    const attached = await eventually(async () => {
      const list = await h.attachedPolicies(ROLE);
      return list.length === parts ? list : undefined;
    }, 8000);
    const day = new Date(job.completedAt!).toISOString().slice(0, 10).replace(/-/g, '');
    expect(attached.map((p) => p.PolicyName).sort()).toEqual(
      Array.from({ length: parts }, (_, i) => `${ROLE}-least-privilege-${day}-${i + 1}of${parts}`),
    );
    const created = attached.map((p) => h.policyDocument(p.PolicyArn!) as unknown as Doc);
    expect(actionsOf(created)).toEqual(started.actions);
  });
});
