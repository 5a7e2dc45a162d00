/** The "Archive with reason…" modal builder: its inputs, limits, metadata and Slack's view limits. */
import type { InputBlock } from '@slack/types';
import { validateView } from '../../../src/sandbox/slack-standin/view-limits';
import {
  archiveReasonModal,
  decodeArchiveReasonMeta,
  encodeArchiveReasonMeta,
} from '../../../src/slack/blocks/archive-reason-modal';
import { ARCHIVE_REASON_BLOCKS, ARCHIVE_REASON_VIEW } from '../../../src/slack/ids';

const meta = {
  findingId: '5a3b7c9d-1111-4e2f-9a8b-0123456789ab',
  channel: 'C0SECURITY',
  ts: '1700000000.000100',
};
const RESOURCE = 'arn:aws:iam::111122223333:role/Audit_CrossAccountRole';

const inputs = (blocks: unknown[]) =>
  (blocks as InputBlock[]).filter((b) => b.type === 'input') as (InputBlock & {
    element: Record<string, unknown>;
  })[];

describe('archiveReasonModal', () => {
  it('asks for a required reason of 10–2,000 characters and an optional review date, within Slack’s limits', () => {
    // Act
    const view = archiveReasonModal({ meta, resource: RESOURCE, approval: false });
    // Assess
    expect(view.callback_id).toBe(ARCHIVE_REASON_VIEW);
    expect(view.title.text).toBe('Archive with reason');
    expect(view.submit?.text).toBe('Archive');
    const [reason, review, ...rest] = inputs(view.blocks);
    expect(rest).toEqual([]);
    expect(reason).toMatchObject({
      block_id: ARCHIVE_REASON_BLOCKS.reason,
      element: {
        type: 'plain_text_input',
        action_id: ARCHIVE_REASON_BLOCKS.reason,
        multiline: true,
        min_length: 10,
        max_length: 2000,
      },
    });
    expect(reason?.optional).toBeUndefined();
    expect(review).toMatchObject({
      block_id: ARCHIVE_REASON_BLOCKS.reviewOn,
      optional: true,
      label: { text: 'Review on' },
      element: { type: 'datepicker', action_id: ARCHIVE_REASON_BLOCKS.reviewOn },
    });
    expect(review?.hint?.text).toContain('09:00 UTC');
    expect(JSON.stringify(view.blocks)).toContain('Audit_CrossAccountRole');
    expect(validateView(view, ['modal'])).toEqual([]);
  });

  it('requests approval and asks for the account id when the metadata names one', () => {
    // Act
    const view = archiveReasonModal({
      meta: { ...meta, accountId: '111122223333' },
      resource: RESOURCE,
      approval: true,
    });
    // Assess
    expect(view.submit?.text).toBe('Request archive');
    expect(inputs(view.blocks).map((b) => b.block_id)).toEqual([
      ARCHIVE_REASON_BLOCKS.reason,
      ARCHIVE_REASON_BLOCKS.reviewOn,
      ARCHIVE_REASON_BLOCKS.account,
    ]);
    expect(JSON.stringify(view.blocks)).toContain('Approvers see your reason first');
    expect(validateView(view, ['modal'])).toEqual([]);
  });

  it('escapes the resource and stays within the limits for a very long ARN', () => {
    const view = archiveReasonModal({ meta, resource: `arn:<b>&${'x'.repeat(5000)}`, approval: false });
    expect(JSON.stringify(view.blocks)).toContain('arn:&lt;b&gt;&amp;');
    expect(validateView(view, ['modal'])).toEqual([]);
  });
});

describe('archive reason metadata', () => {
  it('round-trips what the submission needs', () => {
    expect(decodeArchiveReasonMeta(encodeArchiveReasonMeta(meta))).toEqual(meta);
    const sensitive = { ...meta, accountId: '111122223333' };
    expect(decodeArchiveReasonMeta(encodeArchiveReasonMeta(sensitive))).toEqual(sensitive);
  });

  it.each([
    undefined,
    '',
    'not json',
    '{"f":"x"}',
    '{"f":"x","c":"C","t":"1","n":"12"}',
    '{"f":"x","c":"C","t":"1","z":1}',
  ])('refuses metadata it did not write: %p', (raw) => {
    expect(() => decodeArchiveReasonMeta(raw)).toThrow(/no finding reference/);
  });
});
