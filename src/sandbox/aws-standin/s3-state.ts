import type { Clock } from './clock';

/**
 * The S3 buckets of the account, as far as access is concerned: the bucket policy (stored as written, as
 * GetBucketPolicy returns it) and the bucket-level Block Public Access configuration. Policy and block
 * writes are announced through `changed`, so Access Analyzer re-analyses the bucket.
 */
export interface PublicAccessBlock {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
}

export interface Bucket {
  name: string;
  arn: string;
  createdAt: Date;
  policy?: string;
  publicAccessBlock?: PublicAccessBlock;
}

export interface NewBucket {
  name: string;
  policy?: string | object;
  publicAccessBlock?: Partial<PublicAccessBlock>;
}

export interface S3Context {
  clock: Clock;
  changed: () => void;
}

export function fullBlock(partial: Partial<PublicAccessBlock>): PublicAccessBlock {
  return {
    BlockPublicAcls: partial.BlockPublicAcls ?? false,
    IgnorePublicAcls: partial.IgnorePublicAcls ?? false,
    BlockPublicPolicy: partial.BlockPublicPolicy ?? false,
    RestrictPublicBuckets: partial.RestrictPublicBuckets ?? false,
  };
}

export class S3State {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly context: S3Context) {}

  /** Bucket names follow S3's rules: 3–63 lowercase letters, digits, dots and hyphens. */
  createBucket(input: NewBucket): Bucket {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(input.name))
      throw new Error(`invalid bucket name ${input.name}`);
    if (this.buckets.has(input.name)) throw new Error(`bucket ${input.name} already exists`);
    const bucket: Bucket = {
      name: input.name,
      arn: `arn:aws:s3:::${input.name}`,
      createdAt: this.context.clock(),
      policy: input.policy === undefined ? undefined : text(input.policy),
      publicAccessBlock: input.publicAccessBlock && fullBlock(input.publicAccessBlock),
    };
    this.buckets.set(input.name, bucket);
    this.context.changed();
    return bucket;
  }

  getBucket(name: string): Bucket | undefined {
    return this.buckets.get(name);
  }

  listBuckets(): Bucket[] {
    return [...this.buckets.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Sets (or with undefined removes) the bucket policy. */
  setPolicy(name: string, policy: string | object | undefined): void {
    this.bucket(name).policy = policy === undefined ? undefined : text(policy);
    this.context.changed();
  }

  /** Sets (or with undefined removes) the bucket's Block Public Access configuration. */
  setPublicAccessBlock(name: string, block: Partial<PublicAccessBlock> | undefined): void {
    this.bucket(name).publicAccessBlock = block && fullBlock(block);
    this.context.changed();
  }

  private bucket(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket) throw new Error(`bucket ${name} does not exist`);
    return bucket;
  }
}

function text(policy: string | object): string {
  return typeof policy === 'string' ? policy : JSON.stringify(policy);
}
