import { evaluateCondition, wildcardMatch, type RequestContext } from '../../../src/remediation/conditions';
import type { ConditionBlock } from '../../../src/remediation/policy-document';

const OWN = '111122223333';
const EXT = '999988887777';
/** What an AWS principal of the external account carries. */
const external: RequestContext = {
  'aws:principalaccount': EXT,
  'aws:principalarn': `arn:aws:iam::${EXT}:role/Ops`,
  'aws:principalorgid': 'o-external000',
  'aws:principalisawsservice': 'false',
};
/** A federated (unsigned) caller: none of the keys. */
const federated: RequestContext = {
  'aws:principalaccount': null,
  'aws:principalarn': null,
  'aws:principalorgid': null,
  'aws:principalisawsservice': null,
};

describe('evaluateCondition', () => {
  it.each<[string, ConditionBlock | undefined, RequestContext, true | false | 'unknown']>([
    ['no condition', undefined, external, true],
    ['StringEquals, equal', { StringEquals: { 'aws:PrincipalAccount': EXT } }, external, true],
    [
      'StringEquals is case-sensitive',
      { StringEquals: { 'aws:PrincipalArn': `arn:aws:iam::${EXT}:role/ops` } },
      external,
      false,
    ],
    [
      'StringEqualsIgnoreCase',
      { StringEqualsIgnoreCase: { 'aws:PrincipalArn': `ARN:AWS:IAM::${EXT}:ROLE/OPS` } },
      external,
      true,
    ],
    ['StringEquals, one of a list', { StringEquals: { 'aws:PrincipalAccount': [OWN, EXT] } }, external, true],
    ['StringNotEquals, other account', { StringNotEquals: { 'aws:PrincipalAccount': OWN } }, external, true],
    [
      'StringNotEquals, listed account',
      { StringNotEquals: { 'aws:PrincipalAccount': [OWN, EXT] } },
      external,
      false,
    ],
    [
      'condition keys are case-insensitive',
      { StringNotEquals: { 'AWS:PRINCIPALACCOUNT': OWN } },
      external,
      true,
    ],
    [
      'StringLike with *',
      { StringLike: { 'aws:PrincipalArn': `arn:aws:iam::${EXT}:role/*` } },
      external,
      true,
    ],
    [
      'StringLike with ?',
      { StringLike: { 'aws:PrincipalArn': `arn:aws:iam::${EXT}:role/Op?` } },
      external,
      true,
    ],
    [
      'StringLike, no match',
      { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/*' } },
      external,
      false,
    ],
    ['StringNotLike', { StringNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/*' } }, external, true],
    ['ArnLike part by part', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } }, external, true],
    [
      'ArnEquals, other account',
      { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${OWN}:role/Ops` } },
      external,
      false,
    ],
    [
      'ArnNotEquals',
      { ArnNotEquals: { 'aws:PrincipalArn': `arn:aws:iam::${OWN}:role/Ops` } },
      external,
      true,
    ],
    [
      'ArnNotLike, matching',
      { ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${EXT}:*` } },
      external,
      false,
    ],
    ['Bool', { Bool: { 'aws:PrincipalIsAWSService': 'false' } }, external, true],
    ['Bool with a JSON boolean', { Bool: { 'aws:PrincipalIsAWSService': true } }, external, false],
    [
      'AND across operators',
      { StringNotEquals: { 'aws:PrincipalAccount': OWN }, Bool: { 'aws:PrincipalIsAWSService': 'true' } },
      external,
      false,
    ],
    ['missing key, plain operator', { StringEquals: { 'aws:PrincipalAccount': EXT } }, federated, false],
    ['missing key, negated operator', { StringNotEquals: { 'aws:PrincipalAccount': OWN } }, federated, true],
    ['missing key, Bool', { Bool: { 'aws:PrincipalIsAWSService': 'false' } }, federated, false],
    [
      'missing key, BoolIfExists',
      { BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
      federated,
      true,
    ],
    [
      'missing key, StringEqualsIfExists',
      { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      federated,
      true,
    ],
    [
      'present key, StringEqualsIfExists',
      { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      external,
      false,
    ],
    ['Null true on a missing key', { Null: { 'aws:PrincipalArn': 'true' } }, federated, true],
    ['Null true on a present key', { Null: { 'aws:PrincipalArn': 'true' } }, external, false],
    ['an unknown operator', { NumericLessThan: { 'aws:PrincipalAccount': '5' } }, external, 'unknown'],
    ['a set operator', { 'ForAnyValue:StringEquals': { 'aws:PrincipalAccount': EXT } }, external, 'unknown'],
    ['an unmodelled key', { StringEquals: { 'aws:SourceIp': '10.0.0.1' } }, external, 'unknown'],
    [
      'an unmodelled key even when the request carries it',
      { StringEquals: { 'aws:SourceIp': '10.0.0.1' } },
      { ...external, 'aws:sourceip': '10.0.0.1' },
      'unknown',
    ],
    ['a policy variable', { StringEquals: { 'aws:PrincipalArn': '${aws:username}' } }, external, 'unknown'],
    [
      'a request value nobody knows',
      { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      {},
      'unknown',
    ],
    ['a non-boolean Bool value', { Bool: { 'aws:PrincipalIsAWSService': 'yes' } }, external, 'unknown'],
    [
      'aws:SecureTransport, known',
      { Bool: { 'aws:SecureTransport': 'false' } },
      { ...external, 'aws:securetransport': 'true' },
      false,
    ],
    [
      'aws:SecureTransport over plain HTTP',
      { Bool: { 'aws:SecureTransport': 'false' } },
      { ...external, 'aws:securetransport': 'false' },
      true,
    ],
    ['aws:SecureTransport, not known', { Bool: { 'aws:SecureTransport': 'false' } }, external, 'unknown'],
    [
      'unknown AND false is false',
      { NumericLessThan: { x: '1' }, StringEquals: { 'aws:PrincipalAccount': OWN } },
      external,
      false,
    ],
  ])('%s', (_name, block, ctx, expected) => {
    // Prepare / Act
    const { result, reason } = evaluateCondition(block, ctx);

    // Assess
    expect(result).toBe(expected);
    if (expected !== true) expect(reason).toEqual(expect.any(String));
  });
});

describe('wildcardMatch', () => {
  it.each<[string, string, boolean, boolean]>([
    ['sts:*', 'sts:AssumeRole', false, true],
    ['sts:AssumeRol?', 'sts:AssumeRole', false, true],
    ['sts:AssumeRol?', 'sts:AssumeRoleWithSAML', false, false],
    ['STS:assumerole', 'sts:AssumeRole', true, true],
    ['STS:assumerole', 'sts:AssumeRole', false, false],
    ['a.b', 'axb', false, false],
    ['(x)+', '(x)+', false, true],
  ])('%p against %p (ignoreCase %p) → %p', (pattern, value, ignoreCase, expected) => {
    // Prepare / Act / Assess
    expect(wildcardMatch(pattern, value, ignoreCase)).toBe(expected);
  });
});
