// What the group-robot deliveries agree on between the activities that e-mail a letter (they start the deliveries),
// the workflow that makes them (workflows/channels.ts) and its activity (activities/channels.ts): one workflow per
// letter and unit, one exactly-once delivery per robot of the unit (store/channels.ts).
import type { RobotMessage } from '../domain/channels';

/** The workflow type name, so that activities can start it without importing workflow code. */
export const CHANNEL_WORKFLOW_TYPE = 'channelWorkflow';

/** How often one robot is tried (5 s, growing by half, then every 5 minutes: about three hours) before it is given up. */
export const CHANNEL_TRIES = 40;

export interface ChannelsInput {
  /** The e-mailed letter's key: a notice's businessKey, a unit message's messageKey, a 通报's circulationKey. */
  letterKey: string;
  campaignId: string;
  unitId: string;
  /** The obligations' deliverables the letter is about, for the unit (the record of each shows the delivery). */
  deliverableIds: string[];
  /** The unit's robots the letter goes to, by channel id (domain/channels.ts channelId). */
  channels: string[];
  message: RobotMessage;
}

export interface ChannelInput extends Omit<ChannelsInput, 'channels'> {
  channel: string;
}

export interface ChannelResult {
  deliveryKey: string;
  /** failed: the robot refused or could not be reached CHANNEL_TRIES times (recorded as channel.failed). */
  outcome: 'sent' | 'already-sent' | 'failed';
}

export interface ChannelActivities {
  sendToChannel(input: ChannelInput): Promise<ChannelResult>;
}

export function channelDeliveryKey(letterKey: string, channel: string): string {
  return `${letterKey}/channel/${channel}`;
}

export function channelWorkflowId(letterKey: string, unitId: string): string {
  return `duban/channels/${letterKey}/${unitId}`;
}
