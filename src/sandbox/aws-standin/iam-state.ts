import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';

/**
 * In-memory IAM for one account: roles with trust policies and inline policies, users, and managed policies
 * with versions and attachments. Names are unique case-insensitively, as in IAM; ids carry IAM's prefixes
 * (`AROA` roles, `AIDA` users, `ANPA` policies). Documents are kept exactly as written (IAM returns them
 * URL-encoded; that happens on the wire, see iam-operations.ts). Trust-policy writes are announced through
 * `changed`, so Access Analyzer re-analyses the role. Admin methods throw plain Errors on misuse.
 */
export interface IamRole {
  name: string;
  path: string;
  roleId: string;
  arn: string;
  createdAt: Date;
  trustPolicy: string;
  description?: string;
  maxSessionDuration: number;
  tags: Record<string, string>;
  inlinePolicies: Map<string, string>;
  attachedPolicyArns: string[];
}

export interface IamUser {
  name: string;
  path: string;
  userId: string;
  arn: string;
  createdAt: Date;
  tags: Record<string, string>;
}

export interface PolicyVersion {
  versionId: string;
  document: string;
  isDefault: boolean;
  createdAt: Date;
}

export interface ManagedPolicy {
  name: string;
  path: string;
  policyId: string;
  arn: string;
  description?: string;
  createdAt: Date;
  updatedAt: Date;
  versions: PolicyVersion[];
  tags: Record<string, string>;
}

export interface NewRole {
  name: string;
  trustPolicy: string | object;
  path?: string;
  description?: string;
  maxSessionDuration?: number;
  tags?: Record<string, string>;
}

export interface NewManagedPolicy {
  name: string;
  document: string | object;
  path?: string;
  description?: string;
  /** AWS managed (`arn:aws:iam::aws:policy/<name>`), like AdministratorAccess; default customer managed. */
  awsManaged?: boolean;
  tags?: Record<string, string>;
}

export interface IamContext {
  clock: Clock;
  account: string;
  /** Called after every trust-policy write (Access Analyzer re-analysis). */
  changed: () => void;
}

const NAME = /^[\w+=,.@-]+$/;

export function iamId(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return prefix + [...randomBytes(17)].map((b) => alphabet[b % alphabet.length]).join('');
}

function text(document: string | object): string {
  return typeof document === 'string' ? document : JSON.stringify(document);
}

export class IamState {
  private readonly roles = new Map<string, IamRole>();
  private readonly users = new Map<string, IamUser>();
  private readonly policies = new Map<string, ManagedPolicy>();

  constructor(private readonly context: IamContext) {}

  createRole(input: NewRole): IamRole {
    if (!NAME.test(input.name) || input.name.length > 64) throw new Error(`invalid role name ${input.name}`);
    if (this.roles.has(input.name.toLowerCase())) throw new Error(`role ${input.name} already exists`);
    const path = input.path ?? '/';
    const role: IamRole = {
      name: input.name,
      path,
      roleId: iamId('AROA'),
      arn: `arn:aws:iam::${this.context.account}:role${path}${input.name}`,
      createdAt: this.context.clock(),
      trustPolicy: text(input.trustPolicy),
      description: input.description,
      maxSessionDuration: input.maxSessionDuration ?? 3600,
      tags: input.tags ?? {},
      inlinePolicies: new Map(),
      attachedPolicyArns: [],
    };
    this.roles.set(input.name.toLowerCase(), role);
    this.context.changed();
    return role;
  }

  /** The role (live object; mutate only through the methods), or undefined. */
  getRole(name: string): IamRole | undefined {
    return this.roles.get(name.toLowerCase());
  }

  listRoles(): IamRole[] {
    return [...this.roles.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  setTrustPolicy(roleName: string, document: string | object): void {
    this.role(roleName).trustPolicy = text(document);
    this.context.changed();
  }

  putRolePolicy(roleName: string, policyName: string, document: string | object): void {
    this.role(roleName).inlinePolicies.set(policyName, text(document));
  }

  createUser(input: { name: string; path?: string; tags?: Record<string, string> }): IamUser {
    if (!NAME.test(input.name) || input.name.length > 64) throw new Error(`invalid user name ${input.name}`);
    if (this.users.has(input.name.toLowerCase())) throw new Error(`user ${input.name} already exists`);
    const path = input.path ?? '/';
    const user: IamUser = {
      name: input.name,
      path,
      userId: iamId('AIDA'),
      arn: `arn:aws:iam::${this.context.account}:user${path}${input.name}`,
      createdAt: this.context.clock(),
      tags: input.tags ?? {},
    };
    this.users.set(input.name.toLowerCase(), user);
    return user;
  }

  getUser(name: string): IamUser | undefined {
    return this.users.get(name.toLowerCase());
  }

  createPolicy(input: NewManagedPolicy): ManagedPolicy {
    if (!NAME.test(input.name) || input.name.length > 128)
      throw new Error(`invalid policy name ${input.name}`);
    const owner = input.awsManaged ? 'aws' : this.context.account;
    const path = input.path ?? '/';
    const arn = `arn:aws:iam::${owner}:policy${path}${input.name}`;
    if (this.findPolicyByName(input.name, owner)) throw new Error(`policy ${input.name} already exists`);
    const now = this.context.clock();
    const policy: ManagedPolicy = {
      name: input.name,
      path,
      policyId: iamId('ANPA'),
      arn,
      description: input.description,
      createdAt: now,
      updatedAt: now,
      versions: [{ versionId: 'v1', document: text(input.document), isDefault: true, createdAt: now }],
      tags: input.tags ?? {},
    };
    this.policies.set(arn, policy);
    return policy;
  }

  getPolicy(arn: string): ManagedPolicy | undefined {
    return this.policies.get(arn);
  }

  /** Every managed policy, AWS managed and customer managed, sorted by name then ARN. */
  listPolicies(): ManagedPolicy[] {
    return [...this.policies.values()].sort(
      (a, b) => a.name.localeCompare(b.name) || a.arn.localeCompare(b.arn),
    );
  }

  findPolicyByName(name: string, owner: string = this.context.account): ManagedPolicy | undefined {
    const lower = name.toLowerCase();
    return [...this.policies.values()].find(
      (p) => p.name.toLowerCase() === lower && p.arn.startsWith(`arn:aws:iam::${owner}:`),
    );
  }

  /** Number of roles a managed policy is attached to (IAM's `AttachmentCount`). */
  attachmentCount(policyArn: string): number {
    return [...this.roles.values()].filter((r) => r.attachedPolicyArns.includes(policyArn)).length;
  }

  attachRolePolicy(roleName: string, policyArn: string): void {
    const role = this.role(roleName);
    if (!this.policies.has(policyArn)) throw new Error(`policy ${policyArn} does not exist`);
    if (!role.attachedPolicyArns.includes(policyArn)) role.attachedPolicyArns.push(policyArn);
  }

  detachRolePolicy(roleName: string, policyArn: string): void {
    const role = this.role(roleName);
    role.attachedPolicyArns = role.attachedPolicyArns.filter((arn) => arn !== policyArn);
  }

  /** True when `arn` names an existing role or user of this account (policy generation targets). */
  principalExists(arn: string): boolean {
    return (
      [...this.roles.values()].some((r) => r.arn === arn) ||
      [...this.users.values()].some((u) => u.arn === arn)
    );
  }

  private role(name: string): IamRole {
    const role = this.getRole(name);
    if (!role) throw new Error(`role ${name} does not exist`);
    return role;
  }
}
