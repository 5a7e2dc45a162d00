import { randomUUID } from 'node:crypto';
import type { Clock } from './clock';

/**
 * The account's customer managed KMS keys: id, ARN, aliases and the one key policy (`default`). A new key
 * without a policy gets KMS's default key policy, which gives the account root full access and so delegates
 * to IAM. Policy writes are announced through `changed` for Access Analyzer.
 */
export interface KmsKey {
  keyId: string;
  arn: string;
  createdAt: Date;
  description: string;
  policy: string;
  aliases: string[];
}

export interface NewKey {
  description?: string;
  policy?: string | object;
  /** `alias/<name>` (the prefix may be left out). */
  alias?: string;
  keyId?: string;
}

export interface KmsContext {
  clock: Clock;
  account: string;
  region: string;
  changed: () => void;
}

/** KMS's default `Enable IAM User Permissions` statement: the account root may do anything with the key. */
export function rootKeyStatement(account: string): object {
  return {
    Sid: 'Enable IAM User Permissions',
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${account}:root` },
    Action: 'kms:*',
    Resource: '*',
  };
}

/** KMS's default key policy: `Enable IAM User Permissions` for the account root. */
export function defaultKeyPolicy(account: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [rootKeyStatement(account)],
  });
}

export class KmsState {
  private readonly keys = new Map<string, KmsKey>();

  constructor(private readonly context: KmsContext) {}

  createKey(input: NewKey = {}): KmsKey {
    const { account, region } = this.context;
    const keyId = input.keyId ?? randomUUID();
    if (this.keys.has(keyId)) throw new Error(`key ${keyId} already exists`);
    const alias = input.alias === undefined ? undefined : input.alias.replace(/^(alias\/)?/, 'alias/');
    if (alias && this.getKey(alias)) throw new Error(`alias ${alias} already exists`);
    const policy = input.policy ?? defaultKeyPolicy(account);
    const key: KmsKey = {
      keyId,
      arn: `arn:aws:kms:${region}:${account}:key/${keyId}`,
      createdAt: this.context.clock(),
      description: input.description ?? '',
      policy: typeof policy === 'string' ? policy : JSON.stringify(policy),
      aliases: alias ? [alias] : [],
    };
    this.keys.set(keyId, key);
    this.context.changed();
    return key;
  }

  /** Resolves a key id, key ARN, alias name (`alias/x`) or alias ARN, as KMS's `KeyId` parameter does. */
  getKey(keyId: string): KmsKey | undefined {
    const byId = this.keys.get(keyId) ?? [...this.keys.values()].find((k) => k.arn === keyId);
    if (byId) return byId;
    const alias = /^(?:arn:aws[\w-]*:kms:[^:]*:\d{12}:)?(alias\/.+)$/.exec(keyId)?.[1];
    return alias === undefined ? undefined : [...this.keys.values()].find((k) => k.aliases.includes(alias));
  }

  listKeys(): KmsKey[] {
    return [...this.keys.values()];
  }

  setPolicy(keyId: string, policy: string | object): void {
    const key = this.getKey(keyId);
    if (!key) throw new Error(`key ${keyId} does not exist`);
    key.policy = typeof policy === 'string' ? policy : JSON.stringify(policy);
    this.context.changed();
  }
}
