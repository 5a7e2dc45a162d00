/**
 * Filling the resource placeholders of a generated policy (`arn:aws:s3:::${BucketName}`) with what the person
 * typed in the "Request attach" modal, and the guard that keeps a policy with placeholders from being attached.
 * Pure: no I/O, the input document is never changed.
 *
 * Rules, checked for every placeholder in `Resource`/`NotResource` (see summary.ts for what a placeholder is):
 * - each needs a value; values are trimmed, and an empty one counts as not filled;
 * - a value must not contain `${` (it would leave a placeholder, or an IAM policy variable nobody reviewed);
 * - a placeholder inside an ARN must leave a valid ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`
 *   with the region empty, like `eu-west-1` or a wildcard; the account empty, `aws`, 12 digits or a wildcard;
 *   the resource not empty. A placeholder that is a whole region or account field is checked on its own, so
 *   the message names it; in the resource part its value must not itself be an ARN (the usual slip: pasting
 *   the bucket's ARN where its name goes);
 * - a value may be a list: each resource is then written once per value (two buckets → two ARNs).
 * Problems are reported per placeholder name, so the modal can show each next to its field.
 *
 * @example
 *   fillPlaceholders(policy, { BucketName: ['reports', 'exports'] })
 *   // { ok: true, policy: {…, Resource: ['arn:aws:s3:::reports', 'arn:aws:s3:::exports']} }
 *   fillPlaceholders(policy, { BucketName: '' })
 *   // { ok: false, unfilled: ['BucketName'], errors: { BucketName: 'Fill in BucketName.' } }
 */
import { AppError } from '../errors';
import { asList, parsePolicyDocument, type PolicyDocument } from '../remediation/policy-document';
import { placeholdersIn, placeholdersInString, type GeneratedPolicyInput } from './summary';

/** Placeholder name (without `${…}`) → the value, or several values, to put in its place. */
export type PlaceholderValues = Readonly<Record<string, string | readonly string[]>>;

export type FillResult =
  | { ok: true; policy: PolicyDocument }
  | {
      ok: false;
      /** Placeholders with no (non-empty) value, in order of appearance. */
      unfilled: string[];
      /** One message per placeholder with a problem, unfilled ones included. */
      errors: Record<string, string>;
    };

/** The policy still has placeholders, so it cannot be attached. */
export class UnfilledPlaceholdersError extends AppError {
  constructor(readonly placeholders: string[]) {
    const list = placeholders.map((p) => `\`\${${p}}\``).join(', ');
    super(
      'unfilled_placeholders',
      `policy has unfilled placeholders: ${placeholders.join(', ')}`,
      `The policy still has placeholders to fill: ${list}. Fill in every resource before asking to attach it.`,
    );
    this.name = 'UnfilledPlaceholdersError';
  }
}

/** Account field: empty, 12 digits, `aws` (AWS managed policies) or a wildcard pattern. */
const ARN_ACCOUNT = /^(\d{12}|aws|[\d*?]*[*?][\d*?]*|)$/;
/** Region field: empty, a region name or a wildcard pattern (`*`, `eu-*`). */
const ARN_REGION = /^([a-z]{2}(-[a-z]+)+-\d+|[a-z\d*?-]*[*?][a-z\d*?-]*|)$/;

/**
 * Why `value` is not an ARN, or undefined when it is one.
 * @example arnProblem('arn:aws:kms:eu-west-1:12345:key/k') // 'the account must be 12 digits (got "12345")'
 */
export function arnProblem(value: string): string | undefined {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn')
    return 'it needs the form arn:partition:service:region:account:resource';
  const [, partition = '', service = '', region = '', account = ''] = parts;
  const resource = parts.slice(5).join(':');
  if (!/^aws(-[a-z]+)*$/.test(partition)) return `"${partition}" is not an AWS partition`;
  if (!/^[a-z0-9-]+$/.test(service)) return `"${service}" is not a service name`;
  if (!ARN_REGION.test(region)) return `"${region}" is not a region (e.g. eu-west-1)`;
  if (!ARN_ACCOUNT.test(account)) return `the account must be 12 digits (got "${account}")`;
  if (resource === '') return 'the resource part is empty';
  return undefined;
}

function valuesOf(values: PlaceholderValues, name: string): string[] {
  const given = Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
  const list: readonly string[] = typeof given === 'string' ? [given] : (given ?? []);
  return [...new Set(list.map((v) => v.trim()).filter((v) => v !== ''))];
}

/** Every combination of values for the placeholders in `template`, each written out. */
function expand(template: string, names: readonly string[], values: ReadonlyMap<string, string[]>): string[] {
  let results = [template];
  for (const name of names) {
    const token = `\${${name}}`;
    results = results.flatMap((partial) =>
      partial.includes(token) ? (values.get(name) ?? []).map((v) => partial.split(token).join(v)) : [partial],
    );
  }
  return [...new Set(results)];
}

/**
 * Puts the values in place of the placeholders and checks the result (rules in the header).
 * @throws PolicyDocumentError when the policy itself is not a valid IAM policy.
 */
export function fillPlaceholders(policy: GeneratedPolicyInput, values: PlaceholderValues): FillResult {
  const document = parsePolicyDocument(policy);
  const names = placeholdersIn([document]);
  const unfilled = names.filter((name) => valuesOf(values, name).length === 0);
  const errors: Record<string, string> = Object.fromEntries(unfilled.map((n) => [n, `Fill in ${n}.`]));
  const filled = new Map<string, string[]>();
  for (const name of names.filter((n) => !unfilled.includes(n))) {
    const list = valuesOf(values, name);
    if (list.some((v) => v.includes('${'))) errors[name] = `${name} must not contain \`\${\`.`;
    else filled.set(name, list);
  }

  const fillField = (field: string | string[] | undefined): string | string[] | undefined => {
    if (field === undefined) return undefined;
    const out = asList(field).flatMap((resource) => {
      const inResource = placeholdersInString(resource);
      if (inResource.length === 0 || inResource.some((n) => !filled.has(n))) return [resource];
      const written = expand(resource, inResource, filled);
      if (resource.startsWith('arn:')) checkArns(resource, inResource, written);
      return written;
    });
    return typeof field === 'string' && out.length === 1 ? out[0] : out;
  };
  const checkArns = (template: string, inResource: string[], written: string[]): void => {
    // Placeholder names hold no colon, so the template's fields say which ARN field each placeholder is in.
    const fields = template.split(':');
    for (const name of inResource) {
      if (errors[name] !== undefined) continue;
      const index = fields.findIndex((f) => f.includes(`\${${name}}`));
      const whole = fields[index] === `\${${name}}`;
      const problem = (filled.get(name) ?? []).map((v) => fieldProblem(name, index, whole, v)).find(Boolean);
      if (problem) errors[name] = problem;
    }
    // What the field checks cannot see (a placeholder that is only part of a field) the whole ARN shows; it is
    // put on the first placeholder of the resource, as the fields cannot tell which value is to blame.
    if (inResource.some((n) => errors[n] !== undefined)) return;
    for (const arn of written) {
      const problem = arnProblem(arn);
      const name = inResource[0];
      if (problem !== undefined && name !== undefined && errors[name] === undefined) {
        errors[name] = `\`${arn}\` is not a valid ARN: ${problem}.`;
      }
    }
  };

  const statements = document.Statement.map((s) => {
    const next = { ...s };
    const resource = fillField(s.Resource);
    const notResource = fillField(s.NotResource);
    if (resource !== undefined) next.Resource = resource;
    if (notResource !== undefined) next.NotResource = notResource;
    return next;
  });
  if (Object.keys(errors).length > 0) return { ok: false, unfilled, errors };
  return { ok: true, policy: { ...document, Statement: statements } };
}

/**
 * What is wrong with `value` in ARN field `index` (0 = `arn`, 5+ = the resource part), if anything. The
 * partition, region and account fields are checked only when the placeholder is the whole field.
 */
function fieldProblem(name: string, index: number, whole: boolean, value: string): string | undefined {
  if (index === 1 && whole && !/^aws(-[a-z]+)*$/.test(value))
    return `${name} must be an AWS partition such as aws (got \`${value}\`).`;
  if (index === 3 && whole && !ARN_REGION.test(value))
    return `${name} must be a region such as eu-west-1 (got \`${value}\`).`;
  if (index === 4 && whole && !ARN_ACCOUNT.test(value))
    return `${name} must be a 12-digit account id (got \`${value}\`).`;
  if (index >= 5 && value.startsWith('arn:')) {
    return `${name} takes just the name, not a whole ARN (\`${value}\`).`;
  }
  return undefined;
}

/**
 * The attach guard: throws when any placeholder is left in `Resource`/`NotResource`.
 * @throws UnfilledPlaceholdersError naming every placeholder still present.
 * @example assertNoPlaceholders(filledPolicy) // returns nothing when every placeholder is filled
 */
export function assertNoPlaceholders(policy: GeneratedPolicyInput): void {
  const left = placeholdersIn([parsePolicyDocument(policy)]);
  if (left.length > 0) throw new UnfilledPlaceholdersError(left);
}

/** Where a placeholder sits in the ARNs of a policy: the ARN field (0 `arn` … 5+ resource part) and whether it is the whole field. */
export interface PlaceholderField {
  field: number;
  whole: boolean;
}

/**
 * Where each placeholder first appears in the policies' `Resource`/`NotResource` ARNs, so a form can check the
 * values people type as fillPlaceholders will (see placeholderValueProblem) without the policy at hand.
 * A placeholder outside any ARN gets `{ field: -1, whole: false }`.
 * @example placeholderFields(['{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::${BucketName}"}]}'])
 * // { BucketName: { field: 5, whole: true } }
 */
export function placeholderFields(
  policies: readonly GeneratedPolicyInput[],
): Record<string, PlaceholderField> {
  const out: Record<string, PlaceholderField> = {};
  for (const policy of policies) {
    const document = parsePolicyDocument(policy);
    for (const s of document.Statement) {
      for (const resource of [...asList(s.Resource), ...asList(s.NotResource)]) {
        const fields = resource.startsWith('arn:') ? resource.split(':') : [];
        for (const name of placeholdersInString(resource)) {
          if (out[name]) continue;
          const index = fields.findIndex((f) => f.includes(`\${${name}}`));
          out[name] = { field: index, whole: index >= 0 && fields[index] === `\${${name}}` };
        }
      }
    }
  }
  return out;
}

/**
 * What is wrong with one typed value for a placeholder at `where`, if anything: the per-value checks of
 * fillPlaceholders (which stays the authority: it also checks the ARNs the values make).
 * @example placeholderValueProblem('Account', { field: 4, whole: true }, '12345') // 'Account must be a 12-digit account id (got `12345`).'
 */
export function placeholderValueProblem(
  name: string,
  where: PlaceholderField,
  value: string,
): string | undefined {
  if (value.includes('${')) return `${name} must not contain \`\${\`.`;
  if (/\s/.test(value)) return `${name} must not contain spaces (\`${value}\`); give one value per line.`;
  return where.field < 0 ? undefined : fieldProblem(name, where.field, where.whole, value);
}
