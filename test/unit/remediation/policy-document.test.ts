import {
  PolicyDocumentError,
  decodeIamDocument,
  parsePolicyDocument,
  policyLength,
  serializePolicyDocument,
  stableJson,
} from '../../../src/remediation/policy-document';

const aliceTrust = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::999988887777:user/Alice' },
      Action: 'sts:AssumeRole',
    },
  ],
};

describe('parsePolicyDocument', () => {
  it.each([
    ['a Statement object', '{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}', 1],
    ['a Statement list', JSON.stringify(aliceTrust), 1],
    [
      'Principal lists and NotAction',
      '{"Statement":[{"Effect":"Deny","Principal":{"AWS":["111122223333","arn:aws:iam::999988887777:root"],"Federated":"cognito-identity.amazonaws.com"},"NotAction":["sts:TagSession"]}]}',
      1,
    ],
    [
      'conditions with string, boolean, number and list values',
      '{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"x":3},"StringEquals":{"aws:PrincipalAccount":["1","2"]}}}]}',
      1,
    ],
    ['an empty Statement list', '{"Version":"2012-10-17","Statement":[]}', 0],
  ])('accepts %s', (_name, text, count) => {
    // Prepare / Act
    const doc = parsePolicyDocument(text);

    // Assess
    expect(Array.isArray(doc.Statement)).toBe(true);
    expect(doc.Statement).toHaveLength(count);
  });

  it.each([
    ['text that is not JSON', '{"Statement":', ''],
    ['a JSON array', '[]', ''],
    ['no Statement', '{"Version":"2012-10-17"}', 'Statement'],
    ['a numeric Version', '{"Version":2012,"Statement":[]}', 'Version'],
    [
      'an unknown Effect',
      '{"Statement":[{"Effect":"Permit","Principal":"*","Action":"a:b"}]}',
      'Statement[0].Effect',
    ],
    ['neither Action nor NotAction', '{"Statement":[{"Effect":"Allow","Principal":"*"}]}', 'Statement[0]'],
    [
      'both Action and NotAction',
      '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"a:b","NotAction":"c:d"}]}',
      'Statement[0]',
    ],
    [
      'an empty Action list',
      '{"Statement":[{"Effect":"Allow","Principal":"*","Action":[]}]}',
      'Statement[0].Action',
    ],
    [
      'a Principal string other than *',
      '{"Statement":[{"Effect":"Allow","Principal":"Alice","Action":"a:b"}]}',
      'Statement[0].Principal',
    ],
    [
      'a numeric principal value',
      '{"Statement":[{"Effect":"Allow","Principal":{"AWS":1},"Action":"a:b"}]}',
      'Statement[0].Principal.AWS',
    ],
    [
      'a condition key holding an object',
      '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"a:b","Condition":{"Bool":{"k":{}}}}]}',
      'Statement[0].Condition.Bool.k',
    ],
    [
      'a numeric Sid',
      '{"Statement":[{"Sid":1,"Effect":"Allow","Principal":"*","Action":"a:b"}]}',
      'Statement[0].Sid',
    ],
  ])('rejects %s with a PolicyDocumentError naming where', (_name, text, path) => {
    // Prepare
    let error: unknown;

    // Act
    try {
      parsePolicyDocument(text);
    } catch (err) {
      error = err;
    }

    // Assess
    expect(error).toBeInstanceOf(PolicyDocumentError);
    expect((error as PolicyDocumentError).path).toBe(path);
    expect((error as PolicyDocumentError).code).toBe('malformed_policy_document');
  });

  it('keeps each statement as written (key order, string-or-list forms, unknown keys) and copies it', () => {
    // Prepare
    const statement = {
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { AWS: ['1'] },
      Custom: { x: 1 },
    };
    const input = { Statement: statement, Id: 'doc' };

    // Act
    const doc = parsePolicyDocument(input);
    doc.Statement[0]!.Action = 'changed';

    // Assess
    expect(JSON.stringify(doc.Statement[0])).toBe(
      '{"Action":"changed","Effect":"Allow","Principal":{"AWS":["1"]},"Custom":{"x":1}}',
    );
    expect(statement.Action).toBe('sts:AssumeRole');
    expect(Object.keys(doc)).toEqual(['Statement', 'Id']);
  });
});

describe('decodeIamDocument', () => {
  it('decodes the RFC 3986 URL-encoded document GetRole returns', () => {
    // Prepare: as IAM sends it (the JS SDK v3 passes it through undecoded).
    const encoded =
      '%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal' +
      '%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A999988887777%3Auser%2FAlice%22%7D%2C%22Action%22%3A%22sts' +
      '%3AAssumeRole%22%7D%5D%7D';

    // Act
    const doc = decodeIamDocument(encoded);

    // Assess
    expect(doc).toEqual(aliceTrust);
  });

  it('keeps a literal plus sign (RFC 3986, not form encoding) and decodes %2B', () => {
    // Prepare
    const encoded = encodeURIComponent(
      '{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:role/a+b"},"Action":"sts:AssumeRole"}]}',
    ).replace('%2B', '+');

    // Act
    const doc = decodeIamDocument(encoded);

    // Assess
    expect(doc.Statement[0]!.Principal).toEqual({ AWS: 'arn:aws:iam::1:role/a+b' });
  });

  it('accepts a document that is already plain JSON', () => {
    // Prepare / Act
    const doc = decodeIamDocument(`  ${JSON.stringify(aliceTrust)}`);

    // Assess
    expect(doc).toEqual(aliceTrust);
  });

  it.each([
    ['a broken percent escape', '%7B%22Statement%22%3A%5B%5D%7D%E0%A4%A'],
    ['encoded text that is not a policy', encodeURIComponent('{"Version":"2012-10-17"}')],
  ])('rejects %s with a PolicyDocumentError', (_name, encoded) => {
    // Prepare / Act / Assess
    expect(() => decodeIamDocument(encoded)).toThrow(PolicyDocumentError);
  });
});

describe('serialization', () => {
  it('writes the canonical form without whitespace and measures its length', () => {
    // Prepare
    const doc = parsePolicyDocument(JSON.stringify(aliceTrust, null, 4));

    // Act
    const text = serializePolicyDocument(doc);

    // Assess
    expect(text).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:user/Alice"},"Action":"sts:AssumeRole"}]}',
    );
    expect(policyLength(doc)).toBe(text.length);
    expect(parsePolicyDocument(text)).toEqual(doc);
  });

  it('stableJson ignores key order but not list order', () => {
    // Prepare / Act / Assess
    expect(stableJson({ a: 1, b: { d: 1, c: 2 } })).toBe(stableJson({ b: { c: 2, d: 1 }, a: 1 }));
    expect(stableJson({ a: [1, 2] })).not.toBe(stableJson({ a: [2, 1] }));
  });
});
