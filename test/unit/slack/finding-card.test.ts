import { actions } from '../../../src/actions';
import type { Finding } from '../../../src/findings/finding';
import type { FindingRecord } from '../../../src/findings/ports';
import { findingConsoleUrl } from '../../../src/findings/console-links';
import { findingCard } from '../../../src/slack/blocks/finding-card';
import { decodeFindingValue } from '../../../src/slack/ids';
import { aliceRoleFinding } from '../../fixtures/findings';

const base: Finding = aliceRoleFinding({ isPublic: false, sources: ['Resource policy'] });
const rec = (f: Partial<Finding> = {}, r: Partial<FindingRecord> = {}): FindingRecord => ({
  finding: { ...base, ...f },
  updatedAtMs: 0,
  suppressed: false,
  syncAttempts: 0,
  ...r,
});

const allText = (blocks: unknown) => JSON.stringify(blocks);
const buttons = (blocks: { type: string; elements?: { action_id?: string; text?: { text: string } }[] }[]) =>
  blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);

describe('findingCard', () => {
  it('shows the seven console items plus type, public, account, region, status, analyzer and a console link', () => {
    const { blocks, text } = findingCard(rec(), actions);
    const t = allText(blocks);
    for (const expected of [
      base.id,
      'Audit_CrossAccountRole',
      'AWS: arn:aws:iam::999988887777:user/Alice',
      '*Condition*',
      'Resource policy',
      '*Access level*',
      '*Updated*',
      'AWS::IAM::Role',
      '*Public*',
      '111122223333',
      'us-west-2',
      'ACTIVE',
      'MyAnalyzer',
    ]) {
      expect(t).toContain(expected);
    }
    const link = buttons(blocks as never).find((e) => e.action_id === 'finding.open-console') as {
      url?: string;
    };
    expect(link.url).toBe(findingConsoleUrl(base));
    expect(link.url).toContain(encodeURIComponent(base.analyzerArn));
    expect(text).toContain('Audit_CrossAccountRole');
    expect(blocks.length).toBeLessThanOrEqual(50);
  });

  it('offers Archive, Archive with reason…, Deny (danger, with a confirm dialog) and Create archive rule on an active finding', () => {
    const { blocks } = findingCard(rec(), actions);
    const els = buttons(blocks as never) as {
      action_id: string;
      style?: string;
      confirm?: unknown;
      value?: string;
      text: { text: string };
    }[];
    expect(els.map((e) => e.text.text)).toEqual([
      'Archive',
      'Archive with reason…',
      'Deny',
      'Create archive rule',
      'Open in console',
    ]);
    const deny = els.find((e) => e.action_id === 'finding.deny');
    expect(deny?.style).toBe('danger');
    expect(deny?.confirm).toBeDefined();
    expect(decodeFindingValue(els[0]?.value)).toEqual({ findingId: base.id });
  });

  it('drops Archive and Deny once the finding is archived, and says who archived it', () => {
    const { blocks } = findingCard(
      rec({ status: 'ARCHIVED' }, { archived: { by: 'U0ONCALL', at: '2024-05-02T00:00:00Z' } }),
      actions,
    );
    const labels = buttons(blocks as never).map((e) => e.text?.text);
    expect(labels).not.toContain('Archive');
    expect(labels).not.toContain('Deny');
    expect(allText(blocks)).toContain('Archived by <@U0ONCALL>');
  });

  it('escapes markup in untrusted values so they cannot mention or link', () => {
    const { blocks } = findingCard(
      rec({ condition: { 'aws:SourceVpc': '<!channel> <https://evil|click>' } }),
      actions,
    );
    const t = allText(blocks);
    expect(t).not.toContain('<!channel>');
    expect(t).toContain('&lt;!channel&gt;');
  });

  it('cuts a huge value to the field limit with a note', () => {
    const { blocks } = findingCard(
      rec({ action: Array.from({ length: 400 }, (_, i) => `s3:GetObjectVersion${i}`) }),
      actions,
    );
    const fields =
      (blocks as { type: string; fields?: { text: string }[] }[]).find((b) => b.fields)?.fields ?? [];
    for (const f of fields) expect(f.text.length).toBeLessThanOrEqual(2000);
    expect(allText(fields)).toContain('characters cut');
  });

  it('shows the finding type and the unused items for an unused-access finding, without Deny', () => {
    const { blocks } = findingCard(
      rec({
        kind: 'unused',
        findingType: 'UnusedPermission',
        principal: undefined,
        action: undefined,
        unused: { unusedActions: 1, unusedServices: 1, items: ['s3:PutObject'] },
      }),
      actions,
    );
    const t = allText(blocks);
    expect(t).toContain('UnusedPermission');
    expect(t).toContain('s3:PutObject');
    expect(buttons(blocks as never).map((e) => e.text?.text)).not.toContain('Deny');
  });
});
