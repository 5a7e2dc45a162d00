/**
 * "Show N findings" on a digest message (`digest.expand`): acked at once; then REQUESTERS is checked (like any
 * finding button), the digest's findings are marked for a card each in its thread, and those cards are queued
 * behind the channel's pacing. A second click (or a second person) is told who expanded it; nothing is posted
 * twice.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { GroupResolver } from '../../approvals/ports';
import type { ApprovalPolicy } from '../../approvals/types';
import type { Digester } from '../../findings/digests';
import type { FindingSync } from '../../findings/sync';
import type { ErrorReporter } from '../error-handler';
import { DIGEST_EXPAND_ACTION, decodeDigestValue } from '../ids';
import { type AfterAck, checkRequester } from './finding-actions';

export interface DigestListenerDeps {
  digester: Digester;
  /** Queues a finding's Slack work (the sync scheduler's `run`). */
  sync: FindingSync;
  policy: ApprovalPolicy;
  groups: GroupResolver;
  reportError: ErrorReporter;
}

export function registerDigestListeners(app: App, deps: DigestListenerDeps, afterAck: AfterAck): void {
  app.action<BlockAction<ButtonAction>>(DIGEST_EXPAND_ACTION, async ({ ack, body, action }) => {
    await ack();
    const user = body.user.id;
    const where = { channel: body.channel?.id, user, threadTs: body.message?.ts };
    await afterAck(async () => {
      try {
        const digestId = decodeDigestValue(action.value);
        await checkRequester(deps, user);
        const ids = await deps.digester.expand(digestId, user);
        await Promise.all(ids.map((id) => deps.sync(id, { justChanged: true })));
      } catch (err) {
        await deps.reportError(err, where);
      }
    });
  });
}
