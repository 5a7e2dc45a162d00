/** The Block Kit modal type, for layers that build views without importing the Slack SDK themselves. */
export type { View as ModalView } from '@slack/types';
