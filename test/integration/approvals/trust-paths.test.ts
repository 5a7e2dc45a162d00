/**
 * Issue #4, what the Deny covers: federated trust (web identity, SAML), public trust (owner access kept), and
 * Undo that removes exactly the bot's statement after someone edited the policy.
 */
import { ALICE, APPROVER1, type DenyHarness, aliceTrust, startDenyHarness } from '../../helpers/deny';
import { CHANNEL, eventually } from '../../helpers/harness';
import { denyStatements, requestDeny, untilStatus } from './support';

const OWN_ACCOUNT = '111122223333';

/** Deny on the role's finding, approved by the first approver; resolves once the bot has seen RESOLVED. */
async function denyAndApprove(h: DenyHarness, role: string) {
  const { ts, findingId } = await h.card(role);
  const request = await requestDeny(h, ts);
  await h.approve(ts, APPROVER1);
  await untilStatus(h, request.requestId, 'EXECUTED');
  await eventually(
    async () => (await h.bot.stores.findings.get(findingId))?.finding.status === 'RESOLVED',
    8000,
  );
  return { ts, findingId, ...request };
}

describe('the Deny covers the trust path the finding names', () => {
  let h: DenyHarness;
  afterEach(async () => {
    await h?.stop();
  });

  it('denies a web identity provider (accounts.google.com) sts:AssumeRoleWithWebIdentity', async () => {
    const role = 'GoogleFederatedRole';
    h = await startDenyHarness({
      roles: {
        [role]: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Federated: 'accounts.google.com' },
              Action: 'sts:AssumeRoleWithWebIdentity',
              Condition: { StringEquals: { 'accounts.google.com:aud': 'example-client-id' } },
            },
          ],
        },
      },
    });
    const { message } = await denyAndApprove(h, role);
    expect(JSON.stringify(message.blocks)).toContain('✅ Blocks the external principal');

    const [deny, ...more] = denyStatements(h, role);
    expect(more).toEqual([]);
    expect(deny).toMatchObject({ Principal: { Federated: 'accounts.google.com' } });
    expect(deny!.Action).toEqual(expect.arrayContaining(['sts:AssumeRoleWithWebIdentity', 'sts:TagSession']));
    expect(deny!.Condition).toBeUndefined();
    expect(h.trustPolicy(role).Statement[0]).toMatchObject({ Effect: 'Allow' });
  });

  it('denies a SAML provider of another account sts:AssumeRoleWithSAML', async () => {
    const role = 'PartnerSamlRole';
    const provider = 'arn:aws:iam::999988887777:saml-provider/PartnerIdP';
    h = await startDenyHarness({
      roles: {
        [role]: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Federated: provider }, Action: 'sts:AssumeRoleWithSAML' },
          ],
        },
      },
    });
    await denyAndApprove(h, role);

    const [deny, ...more] = denyStatements(h, role);
    expect(more).toEqual([]);
    expect(deny).toMatchObject({ Principal: { Federated: provider } });
    expect(deny!.Action).toEqual(expect.arrayContaining(['sts:AssumeRoleWithSAML', 'sts:TagSession']));
  });

  it("denies a public trust (Principal AWS *) only outside the own account, and says the owner's access is kept", async () => {
    const role = 'PublicTrustRole';
    h = await startDenyHarness({
      roles: {
        [role]: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
        },
      },
    });
    const { ts } = await h.card(role);
    const { message } = await requestDeny(h, ts);
    const evidence = JSON.stringify(message.blocks);
    expect(evidence).toContain("✅ Keeps the owner account's access");
    expect(evidence).toContain('✅ Blocks the external principal');
    expect(evidence).not.toContain('Takes away access');
    await h.approve(ts, APPROVER1);
    await eventually(() => h.aws.callsTo('UpdateAssumeRolePolicy').length === 1);

    const denies = denyStatements(h, role);
    expect(denies).toHaveLength(1);
    const [deny] = denies;
    // Never a bare Deny for everyone: the own account stays outside it.
    expect(deny!.Condition).toMatchObject({ StringNotEquals: { 'aws:PrincipalAccount': OWN_ACCOUNT } });
    expect(deny!.Action).toEqual(expect.arrayContaining(['sts:AssumeRole']));
    expect(h.trustPolicy(role).Statement[0]).toEqual({
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'sts:AssumeRole',
    });
    // Access Analyzer agrees that nobody outside the account gets in any more.
    const { findingId } = await h.card(role);
    await eventually(
      async () => (await h.bot.stores.findings.get(findingId))?.finding.status === 'RESOLVED',
      8000,
    );
  });

  it('Undo after manual edits removes only the Deny statement and keeps every other statement', async () => {
    h = await startDenyHarness();
    const { ts } = await denyAndApprove(h, 'Audit_CrossAccountRole');
    const [allow, deny] = h.trustPolicy().Statement;
    expect(allow).toEqual(aliceTrust.Statement[0]);
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: ALICE } });

    // Someone adds a statement after the Deny (IAM checks that its principal exists)...
    h.aws.iam.createRole({
      name: 'BreakGlass',
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${OWN_ACCOUNT}:root` },
            Action: 'sts:AssumeRole',
          },
        ],
      },
    });
    const breakGlass = {
      Sid: 'BreakGlass',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${OWN_ACCOUNT}:role/BreakGlass` },
      Action: 'sts:AssumeRole',
    };
    h.aws.iam.setTrustPolicy('Audit_CrossAccountRole', {
      ...h.trustPolicy(),
      Statement: [allow, deny, breakGlass],
    });
    await eventually(() =>
      JSON.stringify(h.slack.message(CHANNEL, ts)?.blocks).includes('finding.undo-deny'),
    );
    await h.click(ts, 'finding.undo-deny');
    await eventually(async () => {
      const m = await h.approvalMessage(ts);
      return JSON.stringify(m.blocks).includes('Undo deny requested') ? m : undefined;
    });

    // ...and another one while the Undo waits for approval.
    const ciRole = {
      Sid: 'CiDeployer',
      Effect: 'Allow',
      Principal: { Service: 'codebuild.amazonaws.com' },
      Action: 'sts:AssumeRole',
    };
    h.aws.iam.setTrustPolicy('Audit_CrossAccountRole', {
      ...h.trustPolicy(),
      Statement: [ciRole, ...h.trustPolicy().Statement],
    });
    await h.approve(ts, APPROVER1);

    await eventually(() => h.aws.callsTo('UpdateAssumeRolePolicy').length === 2);
    expect(h.trustPolicy()).toEqual({ ...aliceTrust, Statement: [ciRole, allow, breakGlass] });
  });
});
