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

export const createArchiveRule: FindingAction = {
  id: 'create-archive-rule',
  label: 'Create archive rule',
  permissions: [],
  appliesTo: ({ finding: f }) => !f.isDeleted,
  async execute() {
    throw new NotAvailableYetError(
      'Create archive rule',
      'Until it is, create the rule in the Access Analyzer console (Archive rules → Create archive rule).',
    );
  },
};
