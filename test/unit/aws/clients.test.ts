import { GetBucketPolicyCommand } from '@aws-sdk/client-s3';
import { createAwsClients, s3NeedsPathStyle, type AwsClients } from '../../../src/aws/clients';
import { createAwsStandin } from '../../../src/sandbox/aws-standin';

const LOCAL = 'http://127.0.0.1:4566';
const base = { region: 'us-west-2', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

describe('createAwsClients', () => {
  let clients: AwsClients | undefined;

  afterEach(() => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    clients = undefined;
  });

  it('builds S3, KMS and Secrets Manager clients on the given endpoints, S3 with path-style addressing', async () => {
    // Act
    clients = createAwsClients({ ...base, endpoints: { s3: LOCAL, kms: LOCAL, secretsManager: LOCAL } }, {});

    // Assess
    expect(clients.s3.config.forcePathStyle).toBe(true);
    for (const client of [clients.s3, clients.kms, clients.secretsManager]) {
      const endpoint = await client.config.endpoint?.();
      expect(endpoint).toMatchObject({ hostname: '127.0.0.1', port: 4566, protocol: 'http:' });
    }
  });

  it.each([
    [{ AWS_ENDPOINT_URL_S3: LOCAL }, true],
    [{ AWS_ENDPOINT_URL: LOCAL }, true],
    [{ AWS_ENDPOINT_URL_SQS: LOCAL }, false],
    [{}, false],
  ])('uses path-style S3 addressing with environment %j: %s', (env, pathStyle) => {
    // Act
    clients = createAwsClients(base, env);

    // Assess
    expect(s3NeedsPathStyle(base, env)).toBe(pathStyle);
    expect(clients.s3.config.forcePathStyle).toBe(pathStyle);
  });

  it('reaches a local S3 named only by AWS_ENDPOINT_URL_S3 (path style, as real AWS does not need)', async () => {
    // Prepare
    const standin = await createAwsStandin();
    standin.s3.createBucket({ name: 'from-env', policy: { Statement: [] } });
    const saved = process.env.AWS_ENDPOINT_URL_S3;
    process.env.AWS_ENDPOINT_URL_S3 = standin.url;

    // Act
    try {
      clients = createAwsClients({ ...base, maxAttempts: 1 });
      const out = await clients.s3.send(new GetBucketPolicyCommand({ Bucket: 'from-env' }));

      // Assess
      expect(out.Policy).toBe('{"Statement":[]}');
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_S3;
      else process.env.AWS_ENDPOINT_URL_S3 = saved;
      await standin.close();
    }
  });
});
