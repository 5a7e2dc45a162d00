import { AccessAnalyzerClient, ListAnalyzersCommand } from '@aws-sdk/client-accessanalyzer';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createAwsStandin, type AwsStandin } from '../../../../src/sandbox/aws-standin';
import { credentials } from './helpers';

const VARS = ['AWS_ENDPOINT_URL_ACCESSANALYZER', 'AWS_ENDPOINT_URL_SQS'] as const;

describe('AWS stand-in: reached through the SDK endpoint environment variables', () => {
  let standin: AwsStandin;
  const saved: Partial<Record<(typeof VARS)[number], string>> = {};

  beforeEach(async () => {
    standin = await createAwsStandin();
    for (const name of VARS) {
      saved[name] = process.env[name];
      process.env[name] = standin.url;
    }
  });

  afterEach(async () => {
    for (const name of VARS) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await standin.close();
  });

  it('serves clients configured only by AWS_ENDPOINT_URL_ACCESSANALYZER and AWS_ENDPOINT_URL_SQS', async () => {
    // Prepare
    standin.accessAnalyzer.addAnalyzer({ name: 'from-env' });
    const { url } = standin.sqs.createQueue('from-env');
    standin.sqs.send('from-env', 'hello');
    const analyzer = new AccessAnalyzerClient({ region: 'us-west-2', credentials });
    const sqs = new SQSClient({ region: 'us-west-2', credentials });

    // Act
    const analyzers = await analyzer.send(new ListAnalyzersCommand({}));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    analyzer.destroy();
    sqs.destroy();

    // Assess
    expect(analyzers.analyzers?.map((a) => a.name)).toEqual(['from-env']);
    expect(received.Messages?.map((m) => m.Body)).toEqual(['hello']);
    expect(standin.calls.map((c) => `${c.service}:${c.operation}`)).toEqual([
      'AccessAnalyzer:ListAnalyzers',
      'SQS:ReceiveMessage',
    ]);
  });
});
