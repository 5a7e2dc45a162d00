/**
 * The "Request attach" modal of a generated policy, and the readers of what a person entered. Pure: no I/O.
 *
 * The modal has one multiline input per resource placeholder (`${BucketName}`), an optional checkbox list of the
 * role's managed policies to detach in the same change (at most 10; the ones that grant unused access first),
 * a preview of the policy and ValidatePolicy's counts. A job that cannot be attached (see attachBlockedReason)
 * gets a modal that says why, with no inputs and no submit.
 *
 * **What goes in a placeholder.** Access Analyzer writes `arn:aws:s3:::${BucketName}`: the value is what
 * replaces `${BucketName}` (a bucket name, not the bucket's ARN; fillPlaceholders refuses an ARN there). A
 * placeholder that is a whole ARN field takes that field (a region, a 12-digit account id). A placeholder that
 * is a whole resource (`"Resource": "${X}"`, outside any ARN) takes whole ARNs. Several values, one per line (or
 * separated by commas), each write their own resource. The hint under each input says which case it is, with
 * an example made from the placeholder's resource pattern.
 *
 * **private_metadata** (AttachMetadata, JSON, at most 3,000 characters): the job id; `detachRefs`, the ARNs of
 * policies offered for detaching whose ARN is over the 75-character limit of a checkbox value (the checkbox
 * then carries `ref:<index>`); the placeholder names; and where each sits in its ARN (`fields`), so the
 * submission is checked without reading the job. When it does not fit, `fields` goes first, then
 * `placeholders` (readAttachForm then takes the names from the inputs in the submitted state: one input per
 * placeholder), then long-ARN detach options (left out of the list, and the modal says so). Whatever the form
 * checks, the `attach-policy` remedy checks again with fillPlaceholders and ValidatePolicy: it is the authority.
 *
 * @example
 *   const view = attachPolicyModal(job)                      // views.open
 *   const meta = readAttachMetadata(view.private_metadata)   // on view_submission
 *   const form = readAttachForm(state.values, meta!)         // { values: { BucketName: ['reports'] }, detach: [] }
 *   attachFormErrors(form, meta!)                            // {} or { 'placeholder:BucketName': '…' }
 */
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { GenerationJobRecord, GenerationResult } from '../../policy-generation/job';
import { leastPrivilegePolicyName } from '../../policy-generation/names';
import {
  arnProblem,
  placeholderFields,
  placeholderValueProblem,
  type PlaceholderField,
} from '../../policy-generation/placeholders';
import { parseGeneratedPolicies, placeholdersInString } from '../../policy-generation/summary';
import { asList } from '../../remediation/policy-document';
import { GENERATION_ATTACH_BLOCKS as B, GENERATION_ATTACH_INPUT, GENERATION_ATTACH_VIEW } from '../ids';
import { attachBlockedReason, validationCounts } from './generation-message';
import { clip, code, escapeMrkdwn, safeText } from '../text';

/** Most values one placeholder takes (each writes its own resource); the remedy refuses more. */
export const ATTACH_MAX_VALUES = 20;
/** Longest value accepted for a placeholder (the remedy's limit). */
export const ATTACH_MAX_VALUE_LENGTH = 2048;
/** Slack allows 10 checkboxes: at most this many attached policies are offered for detaching. */
export const DETACH_OPTIONS_MAX = 10;
/** Most placeholder inputs in one modal (100 blocks per modal, a few used by the rest). */
export const MAX_PLACEHOLDER_INPUTS = 90;
/** Slack's limit on a checkbox option's value (and text). */
const OPTION_MAX = 75;
const METADATA_MAX = 3000;
const SECTION_MAX = 3000;
/** The remedy's limit on a placeholder name (a record key of its params). */
const PLACEHOLDER_NAME_MAX = 100;
const DETACH_REF = 'ref:';

/** What the modal carries from views.open to the submission (see the header). */
export interface AttachMetadata {
  jobId: string;
  /** Placeholder names in order; absent when they did not fit (read them from the submitted inputs). */
  placeholders?: string[];
  /** Where each placeholder sits in its ARN (see placeholderFields); absent when it did not fit. */
  fields?: Record<string, PlaceholderField>;
  /** ARNs too long for a checkbox value: the checkbox value `ref:<i>` means `detachRefs[i]`. */
  detachRefs?: string[];
}

/** What the person entered: placeholder name → values (trimmed, no empties, no repeats), and ARNs to detach. */
export interface AttachForm {
  values: Record<string, string[]>;
  detach: string[];
}

/** `view.state.values` as Slack sends it (only the fields read here). */
export type AttachViewValues = Record<
  string,
  Record<string, { value?: string | null; selected_options?: { value: string }[] | null } | undefined>
>;

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text });
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** Cuts plain text to `max` characters with an ellipsis (for Slack's short plain-text fields). */
const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const token = (name: string) => `\${${name}}`;

/** The block id of a placeholder's input. */
export const placeholderBlockId = (name: string) => `${B.placeholderPrefix}${name}`;

// ---------------------------------------------------------------------------------------------------------
// Placeholder hints
// ---------------------------------------------------------------------------------------------------------

/** The first `Resource`/`NotResource` value each placeholder appears in. */
function templatesOf(policies: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    for (const doc of parseGeneratedPolicies(policies)) {
      for (const s of doc.Statement) {
        for (const resource of [...asList(s.Resource), ...asList(s.NotResource)]) {
          for (const name of placeholdersInString(resource))
            if (!Object.hasOwn(out, name)) out[name] = resource;
        }
      }
    }
  } catch {
    // Not an IAM policy: no hints (the remedy refuses it anyway).
  }
  return out;
}

function fieldsOf(policies: readonly string[]): Record<string, PlaceholderField> {
  try {
    return placeholderFields(policies);
  } catch {
    return {};
  }
}

/** `BucketName` → `my-bucket-name`. */
const sampleName = (name: string) =>
  `my-${name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase()}`;

/** A plausible value for a placeholder where it sits, for the example under its input. */
export function exampleValue(name: string, where: PlaceholderField | undefined): string {
  if (where?.whole && where.field === 1) return 'aws';
  if (where?.whole && where.field === 3) return 'eu-west-1';
  if (where?.whole && where.field === 4) return '123456789012';
  if (where && where.field < 0) return `arn:aws:s3:::${sampleName(name)}`;
  return sampleName(name);
}

function placeholderHint(
  name: string,
  template: string | undefined,
  fields: Record<string, PlaceholderField>,
): { hint: string; example: string } {
  const where = fields[name];
  const example = exampleValue(name, where);
  const several = `Several: one per line (at most ${ATTACH_MAX_VALUES}), each writes its own resource.`;
  if (!template || !where || where.field < 0) {
    return {
      hint: `One or more resource ARNs, one per line (at most ${ATTACH_MAX_VALUES}), in place of ${token(name)}. Example: ${example}`,
      example,
    };
  }
  const filled = template.replace(/\$\{([A-Za-z][A-Za-z0-9_]*)\}/g, (_, other: string) =>
    exampleValue(other, fields[other]),
  );
  const what =
    where.whole && where.field === 3
      ? 'a region such as eu-west-1 (or * for any)'
      : where.whole && where.field === 4
        ? 'a 12-digit account id'
        : where.whole && where.field === 1
          ? 'a partition such as aws'
          : 'the name only, not a whole ARN';
  return {
    hint: `Fills ${token(name)} in ${cut(template, 400)}: ${what}. ${several} Example: ${example} → ${cut(filled, 400)}`,
    example,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Modal
// ---------------------------------------------------------------------------------------------------------

type Attached = NonNullable<GenerationResult['attached']>[number];

/** Up to DETACH_OPTIONS_MAX attached managed policies, the ones granting something in the gap first. */
function detachCandidates(result: GenerationResult): { shown: Attached[]; hidden: number } {
  const attached = result.attached ?? [];
  const inGap = new Set((result.gap ?? []).flatMap((g) => g.policies));
  const sorted = [
    ...attached.filter((a) => inGap.has(a.name)),
    ...attached.filter((a) => !inGap.has(a.name)),
  ];
  return {
    shown: sorted.slice(0, DETACH_OPTIONS_MAX),
    hidden: Math.max(0, sorted.length - DETACH_OPTIONS_MAX),
  };
}

function detachOption(policy: Attached, value: string, inGap: boolean): PlainTextOption {
  const suffix = policy.awsManaged ? ' (AWS managed)' : '';
  return {
    text: plain(`${cut(policy.name, OPTION_MAX - suffix.length)}${suffix}`),
    value,
    ...(inGap ? { description: plain('Grants access the role did not use (see the gap)') } : {}),
  };
}

/**
 * The private_metadata (at most 3,000 characters) and the detach options that go with it; see the header for
 * what is dropped when it does not fit.
 */
function metadataAndOptions(
  jobId: string,
  placeholders: string[],
  fields: Record<string, PlaceholderField>,
  candidates: Attached[],
  inGap: ReadonlySet<string>,
): { metadata: string; options: PlainTextOption[]; droppedLong: number } {
  let offered = candidates;
  for (;;) {
    const detachRefs = offered.filter((a) => a.arn.length > OPTION_MAX).map((a) => a.arn);
    const options = offered.map((a) =>
      detachOption(
        a,
        a.arn.length > OPTION_MAX ? `${DETACH_REF}${detachRefs.indexOf(a.arn)}` : a.arn,
        inGap.has(a.name),
      ),
    );
    const refs = detachRefs.length > 0 ? { detachRefs } : {};
    const usedFields = Object.fromEntries(placeholders.flatMap((p) => (fields[p] ? [[p, fields[p]]] : [])));
    for (const meta of [
      { jobId, placeholders, fields: usedFields, ...refs },
      { jobId, placeholders, ...refs },
      { jobId, ...refs },
    ] satisfies AttachMetadata[]) {
      const metadata = JSON.stringify(meta);
      if (metadata.length <= METADATA_MAX) {
        return { metadata, options, droppedLong: candidates.length - offered.length };
      }
    }
    // Even the job id and the long ARNs do not fit: offer one long-ARN policy fewer.
    const lastLong = offered.map((a) => a.arn.length > OPTION_MAX).lastIndexOf(true);
    if (lastLong < 0) {
      return {
        metadata: JSON.stringify({ jobId }),
        options,
        droppedLong: candidates.length - offered.length,
      };
    }
    offered = offered.filter((_, i) => i !== lastLong);
  }
}

function modal(metadata: string, blocks: KnownBlock[], submit: boolean): ModalView {
  return {
    type: 'modal',
    callback_id: GENERATION_ATTACH_VIEW,
    private_metadata: metadata,
    title: plain('Attach policy'),
    ...(submit ? { submit: plain('Request attach') } : {}),
    close: plain(submit ? 'Cancel' : 'Close'),
    blocks,
  };
}

/** The policy parts in ``` blocks sharing one section's 3,000 characters. */
function previewText(policies: readonly string[]): string {
  const head = '*Policy to attach* (as generated, before filling)';
  const n = policies.length;
  const perPart = Math.floor((SECTION_MAX - head.length - 10) / Math.max(1, n)) - 40;
  const fence = (s: string) => escapeMrkdwn(s).replace(/```/g, 'ˋˋˋ');
  const parts = policies.map(
    (p, i) =>
      `${n > 1 ? `Part ${i + 1} of ${n}\n` : ''}\`\`\`${safeText(p, Math.max(perPart, 20), fence)}\`\`\``,
  );
  return clip(`${head}\n${parts.join('\n')}`, SECTION_MAX);
}

/**
 * The modal for `job` (views.open on "Request attach"). When the job cannot be attached, a modal that says why.
 * @example attachPolicyModal(job).blocks.length // ≤ 100
 */
export function attachPolicyModal(job: GenerationJobRecord): ModalView {
  const blocked = attachBlockedReason(job);
  const result = job.result;
  if (blocked || !result) {
    return modal(
      JSON.stringify({ jobId: job.id }),
      [{ type: 'section', text: mrkdwn(clip(blocked ?? 'Nothing to attach.', SECTION_MAX)) }],
      false,
    );
  }
  const placeholders = result.summary.placeholders;
  if (
    placeholders.length > MAX_PLACEHOLDER_INPUTS ||
    placeholders.some((p) => p.length > PLACEHOLDER_NAME_MAX)
  ) {
    const why =
      placeholders.length > MAX_PLACEHOLDER_INPUTS
        ? `The policy has ${placeholders.length} placeholders, more than a form can hold (${MAX_PLACEHOLDER_INPUTS}).`
        : 'The policy has a placeholder name too long for a form.';
    return modal(
      JSON.stringify({ jobId: job.id }),
      [
        {
          type: 'section',
          text: mrkdwn(
            `${why} Fill them in the JSON and create the policy in the IAM console (Policies → Create policy).`,
          ),
        },
      ],
      false,
    );
  }

  const fields = fieldsOf(result.policies);
  const templates = templatesOf(result.policies);
  const { shown, hidden } = detachCandidates(result);
  const inGap = new Set((result.gap ?? []).flatMap((g) => g.policies));
  const { metadata, options, droppedLong } = metadataAndOptions(job.id, placeholders, fields, shown, inGap);

  const parts = result.policies.length;
  const generatedAt = new Date(job.completedAt ?? job.createdAt);
  const names = Number.isNaN(generatedAt.getTime())
    ? []
    : result.policies.map((_, i) =>
        leastPrivilegePolicyName(job.principal.name, generatedAt, { part: i + 1, parts }),
      );
  const intro = [
    `Attaches the generated policy to role ${safeText(job.principal.name, 100, code)} as ${parts > 1 ? `${parts} new managed policies` : 'a new managed policy'}${names.length ? ` (${names.map((n) => code(n)).join(', ')})` : ''}.`,
    placeholders.length > 0
      ? `Fill ${placeholders.length === 1 ? 'the placeholder' : `each of the ${placeholders.length} placeholders`} with the resources the role may use.`
      : 'The policy has no placeholders to fill.',
    'Nothing changes until the request is approved by someone else.',
  ].join(' ');

  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(clip(intro, SECTION_MAX)) }];
  for (const name of placeholders) {
    const { hint, example } = placeholderHint(name, templates[name], fields);
    blocks.push({
      type: 'input',
      block_id: placeholderBlockId(name),
      label: plain(cut(token(name), 2000)),
      hint: plain(cut(hint, 2000)),
      element: {
        type: 'plain_text_input',
        action_id: GENERATION_ATTACH_INPUT,
        multiline: true,
        max_length: 3000,
        placeholder: plain(cut(example, 150)),
      },
    });
  }
  if (options.length > 0) {
    blocks.push({
      type: 'input',
      block_id: B.detach,
      optional: true,
      label: plain('Also detach these policies (reversible)'),
      hint: plain(
        'Detached in the same change, after the new policy is attached. "Revert detach" on the message attaches them again (after approval).',
      ),
      element: { type: 'checkboxes', action_id: GENERATION_ATTACH_INPUT, options },
    });
  }
  blocks.push({ type: 'section', block_id: B.preview, text: mrkdwn(previewText(result.policies)) });

  const context = [
    result.validation
      ? `ValidatePolicy on the generated policy: ${validationCounts(result.validation)}.`
      : 'ValidatePolicy could not run on the generated policy.',
    'The filled policy is validated again before the request is made; any error stops it.',
  ];
  const notListed = hidden + droppedLong;
  if (notListed > 0) {
    context.push(
      `${plural(notListed, 'more attached policy', 'more attached policies')} not listed (a form holds ${DETACH_OPTIONS_MAX}): detach ${notListed === 1 ? 'it' : 'them'} in the IAM console if needed.`,
    );
  }
  blocks.push({ type: 'context', elements: [mrkdwn(clip(context.join(' '), SECTION_MAX))] });
  return modal(metadata, blocks, true);
}

// ---------------------------------------------------------------------------------------------------------
// Submission
// ---------------------------------------------------------------------------------------------------------

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The modal's private_metadata, or undefined when it is not what attachPolicyModal wrote. */
export function readAttachMetadata(raw: string | undefined): AttachMetadata | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw ?? '');
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const o = parsed as Record<string, unknown>;
  if (typeof o.jobId !== 'string' || o.jobId === '') return undefined;
  const meta: AttachMetadata = { jobId: o.jobId };
  if (isStringList(o.placeholders)) meta.placeholders = o.placeholders;
  if (isStringList(o.detachRefs)) meta.detachRefs = o.detachRefs;
  if (typeof o.fields === 'object' && o.fields !== null && !Array.isArray(o.fields)) {
    const fields: Record<string, PlaceholderField> = {};
    for (const [name, f] of Object.entries(o.fields as Record<string, unknown>)) {
      const { field, whole } = (f ?? {}) as Record<string, unknown>;
      if (typeof field === 'number' && Number.isInteger(field) && typeof whole === 'boolean') {
        fields[name] = { field, whole };
      }
    }
    meta.fields = fields;
  }
  return meta;
}

/** Splits what was typed into values: on newlines and commas, trimmed, empties dropped, each once. */
export function splitValues(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\n\r,]+/)
        .map((v) => v.trim())
        .filter((v) => v !== ''),
    ),
  ];
}

const metaOf = (source: readonly string[] | AttachMetadata): AttachMetadata =>
  Array.isArray(source)
    ? { jobId: '', placeholders: [...(source as readonly string[])] }
    : (source as AttachMetadata);

/**
 * What was entered, from `view.state.values`. `source` is the placeholder names, or the modal's metadata
 * (its `placeholders`, or when absent every placeholder input in the state; its `detachRefs` resolve long ARNs).
 * Every placeholder is a key of `values`, with `[]` when nothing was typed. Values: see splitValues.
 * Commas separate values too: IAM names may contain commas, so such a name must be written with a wildcard.
 */
export function readAttachForm(
  values: AttachViewValues,
  source: readonly string[] | AttachMetadata,
): AttachForm {
  const meta = metaOf(source);
  const names =
    meta.placeholders ??
    Object.keys(values)
      .filter((id) => id.startsWith(B.placeholderPrefix))
      .map((id) => id.slice(B.placeholderPrefix.length));
  const out: Record<string, string[]> = {};
  for (const name of names) {
    const block = Object.hasOwn(values, placeholderBlockId(name))
      ? values[placeholderBlockId(name)]
      : undefined;
    out[name] = splitValues(block?.[GENERATION_ATTACH_INPUT]?.value ?? '');
  }
  const refs = meta.detachRefs ?? [];
  const chosen = values[B.detach]?.[GENERATION_ATTACH_INPUT]?.selected_options ?? [];
  const detach = chosen.map((o) => {
    if (!o.value.startsWith(DETACH_REF)) return o.value;
    const i = Number(o.value.slice(DETACH_REF.length));
    return (Number.isInteger(i) ? refs[i] : undefined) ?? o.value;
  });
  return { values: out, detach: [...new Set(detach)] };
}

/** What is wrong with one value of placeholder `name` (placed as `where`, when known), if anything. */
function valueProblem(name: string, where: PlaceholderField | undefined, value: string): string | undefined {
  if (value.length > ATTACH_MAX_VALUE_LENGTH) {
    return `"${cut(value, 60)}" is too long (at most ${ATTACH_MAX_VALUE_LENGTH} characters).`;
  }
  const problem = placeholderValueProblem(name, where ?? { field: -2, whole: false }, value);
  if (problem) return problem;
  // Outside any ARN the placeholder is the whole resource: its value must be an ARN.
  if (where && where.field < 0) {
    const arn = arnProblem(value);
    if (arn) return `"${cut(value, 200)}" is not a resource ARN: ${arn}.`;
  }
  return undefined;
}

/**
 * Problems with the form, keyed by block id (for `response_action: 'errors'`); empty when it can be requested.
 * Every placeholder needs 1 to ATTACH_MAX_VALUES values; each value is checked as fillPlaceholders will
 * (placeholderValueProblem, with the placeholder's place from `source` metadata or `fields`; a placeholder that
 * is a whole resource must get ARNs: arnProblem) and the message names the wrong value. Detach choices must
 * be ARNs (a `ref:` that could not be resolved means the form is stale), at most DETACH_OPTIONS_MAX.
 */
export function attachFormErrors(
  form: AttachForm,
  source: readonly string[] | AttachMetadata,
  fields?: Record<string, PlaceholderField>,
): Record<string, string> {
  const meta = metaOf(source);
  const where = fields ?? meta.fields ?? {};
  const names = meta.placeholders ?? Object.keys(form.values);
  const errors: Record<string, string> = {};
  for (const name of names) {
    const block = placeholderBlockId(name);
    const values = Object.hasOwn(form.values, name) ? (form.values[name] ?? []) : [];
    if (values.length === 0) {
      errors[block] = `Fill in ${token(name)}: at least one value.`;
      continue;
    }
    if (values.length > ATTACH_MAX_VALUES) {
      errors[block] =
        `At most ${ATTACH_MAX_VALUES} values for ${token(name)} (got ${values.length}); use a wildcard such as my-prefix-* instead.`;
      continue;
    }
    const problems = values.flatMap((v) => {
      const p = valueProblem(name, Object.hasOwn(where, name) ? where[name] : undefined, v);
      return p ? [p] : [];
    });
    if (problems.length > 0) {
      const more = problems.length > 1 ? ` (and ${plural(problems.length - 1, 'more problem')})` : '';
      errors[block] = cut(`${problems[0]}${more}`, 500);
    }
  }
  if (form.detach.length > DETACH_OPTIONS_MAX) {
    errors[B.detach] = `Choose at most ${DETACH_OPTIONS_MAX} policies to detach.`;
  } else if (form.detach.some((d) => !d.startsWith('arn:') || arnProblem(d) !== undefined)) {
    errors[B.detach] = 'The policy list is out of date: close the form and click "Request attach" again.';
  }
  return errors;
}
