/**
 * Keeps the sandbox's AWS account across restarts: the resource policies (roles, buckets, keys, queues,
 * secrets), archive rules, findings added by hand (unused access) and every finding's status, saved as JSON
 * under .sandbox/ and laid back over the freshly seeded example account at the next start. Analysis finding
 * ids are derived from their content, so the same access gets the same finding id again.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { AwsStandin } from './aws-standin';

interface AccountSnapshot {
  version: 1;
  roles: {
    name: string;
    path: string;
    trustPolicy: string;
    description?: string;
    attached: string[];
    inline: [string, string][];
  }[];
  buckets: { name: string; policy?: string; publicAccessBlock?: object }[];
  keys: { keyId: string; description: string; policy: string; aliases: string[] }[];
  queues: { name: string; policy?: string }[];
  secrets: { name: string; policy?: string; description?: string }[];
  archiveRules: { analyzerArn: string; ruleName: string; filter: unknown }[];
  handFindings: Record<string, unknown>[];
  statuses: { id: string; status: 'ACTIVE' | 'ARCHIVED' | 'RESOLVED' }[];
}

export function snapshotAccount(aws: AwsStandin): AccountSnapshot {
  const analysisAnalyzers = new Set(
    aws.accessAnalyzer
      .listAnalyzers()
      .filter((a) => a.type === 'ACCOUNT')
      .map((a) => a.arn),
  );
  const findings = aws.accessAnalyzer.listFindings({ includeDeleted: true });
  return {
    version: 1,
    roles: aws.iam.listRoles().map((r) => ({
      name: r.name,
      path: r.path,
      trustPolicy: r.trustPolicy,
      description: r.description,
      attached: [...r.attachedPolicyArns],
      inline: [...r.inlinePolicies.entries()],
    })),
    buckets: aws.s3
      .listBuckets()
      .map((b) => ({ name: b.name, policy: b.policy, publicAccessBlock: b.publicAccessBlock })),
    keys: aws.kms.listKeys().map((k) => ({
      keyId: k.keyId,
      description: k.description,
      policy: k.policy,
      aliases: [...k.aliases],
    })),
    queues: aws.sqs.listQueues().map((q) => ({ name: q.name, policy: q.policy })),
    secrets: aws.secretsManager
      .listSecrets()
      .map((s) => ({ name: s.name, policy: s.policy, description: s.description })),
    archiveRules: aws.accessAnalyzer
      .listAnalyzers()
      .flatMap((a) =>
        aws.archiveRules
          .list(a.arn)
          .map((r) => ({ analyzerArn: a.arn, ruleName: r.ruleName, filter: r.filter })),
      ),
    handFindings: findings
      .filter((f) => !analysisAnalyzers.has(f.analyzerArn))
      .map((f) => ({
        ...f,
        createdAt: f.createdAt.toISOString(),
        analyzedAt: f.analyzedAt.toISOString(),
        updatedAt: f.updatedAt.toISOString(),
      })),
    statuses: findings.map((f) => ({ id: f.id, status: f.status })),
  };
}

/** Lays a snapshot over the seeded account; then analysis runs and saved statuses are re-applied. */
export async function restoreAccount(aws: AwsStandin, s: AccountSnapshot): Promise<void> {
  for (const r of s.roles) {
    if (aws.iam.getRole(r.name)) aws.iam.setTrustPolicy(r.name, r.trustPolicy);
    else
      aws.iam.createRole({
        name: r.name,
        path: r.path,
        trustPolicy: r.trustPolicy,
        description: r.description,
      });
    for (const [name, doc] of r.inline) aws.iam.putRolePolicy(r.name, name, doc);
    const role = aws.iam.getRole(r.name);
    for (const arn of r.attached) {
      if (role && !role.attachedPolicyArns.includes(arn) && aws.iam.getPolicy(arn))
        aws.iam.attachRolePolicy(r.name, arn);
    }
  }
  for (const b of s.buckets) {
    if (!aws.s3.getBucket(b.name)) aws.s3.createBucket({ name: b.name });
    aws.s3.setPolicy(b.name, b.policy);
    aws.s3.setPublicAccessBlock(b.name, b.publicAccessBlock);
  }
  for (const k of s.keys) {
    if (aws.kms.getKey(k.keyId)) aws.kms.setPolicy(k.keyId, k.policy);
    else {
      const alias = k.aliases.find((a) => !aws.kms.getKey(a));
      aws.kms.createKey({ keyId: k.keyId, description: k.description, policy: k.policy, alias });
    }
  }
  for (const q of s.queues) {
    if (!aws.sqs.listQueues().some((x) => x.name === q.name)) aws.sqs.createQueue(q.name);
    aws.sqs.setPolicy(q.name, q.policy);
  }
  for (const sec of s.secrets) {
    if (!aws.secretsManager.getSecret(sec.name))
      aws.secretsManager.createSecret({ name: sec.name, description: sec.description });
    aws.secretsManager.setPolicy(sec.name, sec.policy);
  }
  for (const rule of s.archiveRules) {
    const analyzer = aws.accessAnalyzer.getAnalyzer(rule.analyzerArn);
    if (analyzer && !aws.archiveRules.list(analyzer.arn).some((r) => r.ruleName === rule.ruleName)) {
      aws.archiveRules.create(analyzer.name, rule.ruleName, rule.filter);
    }
  }
  for (const f of s.handFindings) {
    if (aws.accessAnalyzer.getFinding(String(f.id))) continue;
    const { previousStatus: _p, ...rest } = f;
    aws.accessAnalyzer.addFinding({
      ...(rest as object),
      createdAt: new Date(String(f.createdAt)),
      analyzedAt: new Date(String(f.analyzedAt)),
      updatedAt: new Date(String(f.updatedAt)),
    } as Parameters<AwsStandin['accessAnalyzer']['addFinding']>[0]);
  }
  await aws.analyze();
  for (const { id, status } of s.statuses) {
    const f = aws.accessAnalyzer.getFinding(id);
    // RESOLVED follows from the policies; ACTIVE/ARCHIVED were decisions (Archive, archive rules).
    if (f && status !== 'RESOLVED' && f.status !== 'RESOLVED' && f.status !== status)
      aws.accessAnalyzer.setStatus(id, status);
  }
}

export async function loadSnapshot(file: string): Promise<AccountSnapshot | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as AccountSnapshot;
    return parsed.version === 1 ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export async function saveSnapshot(aws: AwsStandin, file: string): Promise<void> {
  const tmp = `${file}.tmp`;
  await writeFile(tmp, JSON.stringify(snapshotAccount(aws)));
  await rename(tmp, file);
}
