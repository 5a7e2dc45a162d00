import { isUnreachable } from '../../../src/slack/error-handler';

describe('isUnreachable', () => {
  const withCode = (code: string) => Object.assign(new Error('request failed'), { code });

  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a reset connection', withCode('ECONNRESET')],
    ['an unknown host', withCode('ENOTFOUND')],
    [
      'an SDK wrapper naming the cause in its message',
      new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:8000'),
    ],
    ['a timeout', Object.assign(new Error('The operation timed out'), { name: 'TimeoutError' })],
    ['a wrapped cause', new Error('outer', { cause: new Error('inner', { cause: withCode('ETIMEDOUT') }) })],
  ])('is true for %s', (_, err) => {
    expect(isUnreachable(err)).toBe(true);
  });

  it.each([
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['an AWS service error', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })],
    [
      'a conditional write that lost',
      Object.assign(new Error('The conditional request failed'), { code: 'ConditionalCheckFailedException' }),
    ],
    ['nothing', undefined],
    ['a string', 'ECONN'],
  ])('is false for %s', (_, err) => {
    expect(isUnreachable(err)).toBe(false);
  });
});
