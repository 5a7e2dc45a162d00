import { AwsError } from './errors';
import type { IamRole, IamState, ManagedPolicy } from './iam-state';
import { checkDocument, page } from './iam-documents';
import { rfc3986, sizeWithoutWhitespace } from './policy-document';
import type { XmlValue } from './xml';

type Input = Record<string, unknown>;

/**
 * The IAM operations the stand-in serves, with IAM's documented behaviour:
 * - documents come back URL-encoded (RFC 3986) from GetRole, ListRoles, GetRolePolicy and GetPolicyVersion;
 * - UpdateAssumeRolePolicy: JSON and grammar errors → MalformedPolicyDocument (Sids must match `[0-9A-Za-z]*`
 *   and be unique, no `Resource`, a `Principal` is required, principals of this account must exist), more
 *   than 2,048 characters once whitespace is removed → LimitExceeded "Cannot exceed quota for
 *   ACLSizePerRole: 2048"; CreatePolicy: 6,144 (PolicySize); PutRolePolicy: 10,240 per role (aggregate);
 * - characters outside TAB/LF/CR/U+0020–U+00FF → MalformedPolicyDocument;
 * - 10 managed policies per role; unknown entities → NoSuchEntity; duplicate names → EntityAlreadyExists;
 * - ListPolicies: `Scope` All (default) | AWS | Local, `OnlyAttached`, `PathPrefix`, `PolicyUsageFilter`
 *   (the stand-in has no permissions boundaries, so `PermissionsBoundary` lists nothing); entries carry no
 *   Description or Tags, as in IAM.
 * Lists page with `Marker`/`MaxItems` (default 100) and `IsTruncated`.
 */
export function executeIam(iam: IamState, account: string, operation: string, input: Input): XmlValue {
  switch (operation) {
    case 'GetRole':
      return { Role: roleXml(role(iam, input), true) };
    case 'ListRoles': {
      const prefix = optional(input, 'PathPrefix') ?? '/';
      const roles = iam.listRoles().filter((r) => r.path.startsWith(prefix));
      const { items, ...rest } = page(roles, input);
      return { Roles: items.map((r) => roleXml(r, false)), ...rest };
    }
    case 'UpdateAssumeRolePolicy': {
      const target = role(iam, input);
      const document = required(input, 'PolicyDocument');
      checkDocument(iam, account, document, 'trust', 'ACLSizePerRole', 2048);
      iam.setTrustPolicy(target.name, document);
      return undefined;
    }
    case 'GetUser':
      return getUser(iam, input);
    case 'ListAttachedRolePolicies': {
      const prefix = optional(input, 'PathPrefix') ?? '/';
      const attached = role(iam, input)
        .attachedPolicyArns.map((arn) => iam.getPolicy(arn))
        .filter((p): p is ManagedPolicy => p !== undefined && p.path.startsWith(prefix));
      const { items, ...rest } = page(attached, input);
      return { AttachedPolicies: items.map((p) => ({ PolicyName: p.name, PolicyArn: p.arn })), ...rest };
    }
    case 'AttachRolePolicy': {
      const target = role(iam, input);
      const arn = required(input, 'PolicyArn');
      if (!iam.getPolicy(arn)) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
      if (!target.attachedPolicyArns.includes(arn) && target.attachedPolicyArns.length >= 10) {
        throw new AwsError('LimitExceeded', 409, 'Cannot exceed quota for PoliciesPerRole: 10');
      }
      iam.attachRolePolicy(target.name, arn);
      return undefined;
    }
    case 'DetachRolePolicy': {
      const target = role(iam, input);
      const arn = required(input, 'PolicyArn');
      if (!target.attachedPolicyArns.includes(arn)) throw noSuchEntity(`Policy ${arn} was not found.`);
      iam.detachRolePolicy(target.name, arn);
      return undefined;
    }
    case 'CreatePolicy':
      return { Policy: policyXml(iam, createPolicy(iam, account, input)) };
    case 'GetPolicy':
      return { Policy: policyXml(iam, policy(iam, input)) };
    case 'ListPolicies':
      return listPolicies(iam, input);
    case 'GetPolicyVersion': {
      const found = policy(iam, input);
      const versionId = required(input, 'VersionId');
      const version = found.versions.find((v) => v.versionId === versionId);
      if (!version)
        throw noSuchEntity(`Policy ${found.arn} version ${versionId} does not exist or is not attachable.`);
      return {
        PolicyVersion: {
          Document: rfc3986(version.document),
          VersionId: version.versionId,
          IsDefaultVersion: version.isDefault,
          CreateDate: version.createdAt,
        },
      };
    }
    case 'ListPolicyVersions': {
      const { items, ...rest } = page(policy(iam, input).versions, input);
      return {
        Versions: items.map((v) => ({
          VersionId: v.versionId,
          IsDefaultVersion: v.isDefault,
          CreateDate: v.createdAt,
        })),
        ...rest,
      };
    }
    case 'ListRolePolicies': {
      const { items, ...rest } = page([...role(iam, input).inlinePolicies.keys()].sort(), input);
      return { PolicyNames: items, ...rest };
    }
    case 'GetRolePolicy': {
      const target = role(iam, input);
      const name = required(input, 'PolicyName');
      const document = target.inlinePolicies.get(name);
      if (document === undefined) throw noSuchEntity(`The role policy with name ${name} cannot be found.`);
      return { RoleName: target.name, PolicyName: name, PolicyDocument: rfc3986(document) };
    }
    case 'PutRolePolicy': {
      const target = role(iam, input);
      const name = required(input, 'PolicyName');
      const document = required(input, 'PolicyDocument');
      checkDocument(iam, account, document, 'identity', 'RolePolicySize', Infinity);
      const others = [...target.inlinePolicies].filter(([n]) => n !== name);
      const total = others.reduce(
        (sum, [, d]) => sum + sizeWithoutWhitespace(d),
        sizeWithoutWhitespace(document),
      );
      if (total > 10_240)
        throw new AwsError(
          'LimitExceeded',
          409,
          'Maximum policy size of 10240 bytes exceeded for role ' + target.name,
        );
      iam.putRolePolicy(target.name, name, document);
      return undefined;
    }
    default:
      throw new AwsError(
        'InvalidAction',
        400,
        `Could not find operation ${operation} for version 2010-05-08`,
      );
  }
}

function required(input: Input, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') {
    throw new AwsError(
      'ValidationError',
      400,
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function optional(input: Input, field: string): string | undefined {
  const value = input[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function noSuchEntity(message: string): AwsError {
  return new AwsError('NoSuchEntity', 404, message);
}

function role(iam: IamState, input: Input): IamRole {
  const name = required(input, 'RoleName');
  const found = iam.getRole(name);
  if (!found) throw noSuchEntity(`The role with name ${name} cannot be found.`);
  return found;
}

function policy(iam: IamState, input: Input): ManagedPolicy {
  const arn = required(input, 'PolicyArn');
  const found = iam.getPolicy(arn);
  if (!found) throw noSuchEntity(`Policy ${arn} was not found.`);
  return found;
}

function getUser(iam: IamState, input: Input): XmlValue {
  const name = optional(input, 'UserName');
  if (name === undefined) {
    throw new AwsError(
      'ValidationError',
      400,
      'Must specify userName when calling with non-User credentials',
    );
  }
  const user = iam.getUser(name);
  if (!user) throw noSuchEntity(`The user with name ${name} cannot be found.`);
  return {
    User: {
      Path: user.path,
      UserName: user.name,
      UserId: user.userId,
      Arn: user.arn,
      CreateDate: user.createdAt,
      Tags: tags(user.tags),
    },
  };
}

function listPolicies(iam: IamState, input: Input): XmlValue {
  const scope = optional(input, 'Scope') ?? 'All';
  if (!['All', 'AWS', 'Local'].includes(scope)) {
    throw new AwsError(
      'ValidationError',
      400,
      `1 validation error detected: Value '${scope}' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]`,
    );
  }
  const usage = optional(input, 'PolicyUsageFilter');
  if (usage !== undefined && !['PermissionsPolicy', 'PermissionsBoundary'].includes(usage)) {
    throw new AwsError(
      'ValidationError',
      400,
      `1 validation error detected: Value '${usage}' at 'policyUsageFilter' failed to satisfy constraint: Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]`,
    );
  }
  const prefix = optional(input, 'PathPrefix') ?? '/';
  const onlyAttached = input.OnlyAttached === true || input.OnlyAttached === 'true';
  const listed = iam.listPolicies().filter((p) => {
    const awsManaged = p.arn.startsWith('arn:aws:iam::aws:');
    if (scope === 'AWS' && !awsManaged) return false;
    if (scope === 'Local' && awsManaged) return false;
    if (onlyAttached && iam.attachmentCount(p.arn) === 0) return false;
    if (usage === 'PermissionsBoundary') return false;
    return p.path.startsWith(prefix);
  });
  const { items, ...rest } = page(listed, input);
  return {
    Policies: items.map((p) => {
      const full = policyXml(iam, p) as Record<string, XmlValue>;
      return { ...full, Description: undefined, Tags: undefined };
    }),
    ...rest,
  };
}

function createPolicy(iam: IamState, account: string, input: Input): ManagedPolicy {
  const name = required(input, 'PolicyName');
  const document = required(input, 'PolicyDocument');
  const path = optional(input, 'Path') ?? '/';
  if (!/^[\w+=,.@-]{1,128}$/.test(name))
    throw new AwsError('ValidationError', 400, `Invalid policy name ${name}`);
  if (!/^\/([\x21-\x7e]*\/)?$/.test(path)) throw new AwsError('ValidationError', 400, `Invalid path ${path}`);
  if (iam.findPolicyByName(name)) {
    throw new AwsError(
      'EntityAlreadyExists',
      409,
      `A policy called ${name} already exists. Duplicate names are not allowed.`,
    );
  }
  checkDocument(iam, account, document, 'identity', 'PolicySize', 6144);
  const listed = Array.isArray(input.Tags) ? (input.Tags as { Key: string; Value: string }[]) : [];
  return iam.createPolicy({
    name,
    document,
    path,
    description: optional(input, 'Description'),
    tags: Object.fromEntries(listed.map((t) => [t.Key, t.Value ?? ''])),
  });
}

function roleXml(role: IamRole, full: boolean): XmlValue {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: role.createdAt,
    AssumeRolePolicyDocument: rfc3986(role.trustPolicy),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
    Tags: full ? tags(role.tags) : undefined,
    RoleLastUsed: full ? {} : undefined,
  };
}

function policyXml(iam: IamState, policy: ManagedPolicy): XmlValue {
  return {
    PolicyName: policy.name,
    PolicyId: policy.policyId,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.versions.find((v) => v.isDefault)?.versionId,
    AttachmentCount: iam.attachmentCount(policy.arn),
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: policy.description,
    CreateDate: policy.createdAt,
    UpdateDate: policy.updatedAt,
    Tags: tags(policy.tags),
  };
}

function tags(map: Record<string, string>): XmlValue {
  const list = Object.entries(map).map(([Key, Value]) => ({ Key, Value }));
  return list.length > 0 ? list : undefined;
}
