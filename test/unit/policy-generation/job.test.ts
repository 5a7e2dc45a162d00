import {
  POLL_DELAYS_MS,
  formatElapsed,
  jobSubjectKey,
  nextPollDelay,
  progressBar,
  progressEstimate,
  timedOut,
} from '../../../src/policy-generation/job';

describe('polling backoff', () => {
  it('starts soon, grows, and never waits more than a minute', () => {
    const delays = Array.from({ length: 20 }, (_, polls) => nextPollDelay(polls));
    expect(delays[0]).toBe(POLL_DELAYS_MS[0]);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1] as number);
    expect(Math.max(...delays)).toBe(60_000);
    expect(nextPollDelay(-3)).toBe(POLL_DELAYS_MS[0]);
  });
});

describe('timeout', () => {
  it('is reached at the timeout, not before', () => {
    expect(timedOut({ createdAt: 1000 }, 1000 + 59_999, 60_000)).toBe(false);
    expect(timedOut({ createdAt: 1000 }, 1000 + 60_000, 60_000)).toBe(true);
  });
});

describe('progress', () => {
  it('rises with time, stays under 95% until done, and is 0 before anything happened', () => {
    expect(progressEstimate(0, 180_000)).toBe(0);
    const a = progressEstimate(60_000, 180_000);
    const b = progressEstimate(180_000, 180_000);
    expect(a).toBeGreaterThan(0.2);
    expect(b).toBeGreaterThan(a);
    expect(progressEstimate(10 * 3_600_000, 180_000)).toBe(0.95);
    expect(progressEstimate(1000, 0)).toBe(0);
  });

  it('draws a bar of the given width with the percentage', () => {
    expect(progressBar(0.5, 10)).toBe('▓▓▓▓▓░░░░░ 50%');
    expect(progressBar(0, 4)).toBe('░░░░ 0%');
    expect(progressBar(2, 4)).toBe('▓▓▓▓ 100%');
    expect(progressBar(Number.NaN, 4)).toBe('░░░░ 0%');
  });

  it('formats elapsed time in seconds, minutes and hours', () => {
    expect(formatElapsed(45_400)).toBe('45s');
    expect(formatElapsed(125_000)).toBe('2m 05s');
    expect(formatElapsed(3_720_000)).toBe('1h 02m');
    expect(formatElapsed(-5)).toBe('0s');
  });
});

it('keys a job in the decision log by its id', () => {
  expect(jobSubjectKey('abc')).toBe('policy-generation:abc');
});
