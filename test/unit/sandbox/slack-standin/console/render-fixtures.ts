/** A render context with the stand-in's default people and channel, in UTC, viewed by the on-call engineer. */
import { DEFAULT_CHANNELS, DEFAULT_USERS } from '../../../../../src/sandbox/slack-standin';
import { renderContext, type RenderContext } from '../../../../../src/sandbox/console/render/context';

/** 2024-07-02T16:01:56Z — a Tuesday. */
export const NOW_SECS = 1_719_936_116;

export function testContext(overrides: Partial<RenderContext> = {}): RenderContext {
  return {
    ...renderContext({
      users: DEFAULT_USERS,
      channels: DEFAULT_CHANNELS,
      bot: { id: 'U0BOT', name: 'iam-findings-bot' },
      me: 'U0ONCALL',
      timeZone: 'UTC',
      now: NOW_SECS * 1000,
    }),
    ...overrides,
  };
}
