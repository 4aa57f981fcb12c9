// A letter's messages to a unit's group robots, started by the activity that e-mailed it once the mail is recorded
// (activities/channels.ts startChannels): each robot on its own, retried on its own, so that one robot's failure
// holds up neither the others nor the e-mail.
import { proxyActivities } from '@temporalio/workflow';
import { CHANNEL_TRIES, type ChannelActivities, type ChannelResult, type ChannelsInput, channelDeliveryKey } from '../shared/channel-contract';

const { sendToChannel } = proxyActivities<ChannelActivities>({
  startToCloseTimeout: '1 minute',
  // heartbeats while it holds the delivery's claim, as sendNotice does (store/claims.ts CLAIM_LEASE)
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 1.5, maximumInterval: '5 minutes', maximumAttempts: CHANNEL_TRIES },
});

export async function channelWorkflow(input: ChannelsInput): Promise<ChannelResult[]> {
  const { channels, ...letter } = input;
  return Promise.all(
    channels.map((channel) =>
      // the last attempt records the failure itself; this is for one that could not even do that
      sendToChannel({ ...letter, channel }).catch((): ChannelResult => ({ deliveryKey: channelDeliveryKey(input.letterKey, channel), outcome: 'failed' })),
    ),
  );
}
