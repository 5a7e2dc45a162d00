/** Actions whose buttons exist but whose remediation ships in a later release: the click explains that. */
import { AppError } from '../errors';
import type { FindingAction } from './types';

export class NotAvailableYetError extends AppError {
  constructor(what: string, instead: string) {
    super(
      'not_available_yet',
      `${what} is not available yet`,
      `*${what}* is not available in this version of the bot yet. ${instead}`,
    );
    this.name = 'NotAvailableYetError';
  }
}

export const deny: FindingAction = {
  id: 'deny',
  label: 'Deny',
  style: 'danger',
  confirm: {
    title: 'Deny this access?',
    text: 'Adds an explicit Deny for the external principal to the resource policy, after approval.',
    confirm: 'Request Deny',
    deny: 'Cancel',
  },
  permissions: [],
  appliesTo: (f) => f.kind === 'external' && f.status === 'ACTIVE' && !f.isDeleted && !f.error,
  async execute() {
    throw new NotAvailableYetError(
      'Deny',
      'Until it is, remove the access in the resource policy yourself (console link on the message); the message updates when Access Analyzer marks the finding resolved.',
    );
  },
};

export const createArchiveRule: FindingAction = {
  id: 'create-archive-rule',
  label: 'Create archive rule',
  permissions: [],
  appliesTo: (f) => !f.isDeleted,
  async execute() {
    throw new NotAvailableYetError(
      'Create archive rule',
      'Until it is, create the rule in the Access Analyzer console (Archive rules → Create archive rule).',
    );
  },
};
