// A letter's messages to the unit's group robots: tellRobots (called by the activity that e-mailed the letter, once
// the mail is recorded: a robot never holds up or repeats the e-mail) starts the letter's channelWorkflow for the unit,
// once by its id; sendToChannel delivers to one robot exactly once (store/channels.ts, through activities/deliver.ts).
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { createHmac } from 'node:crypto';
import { type RobotMessage, type Webhook, channelId, robotAnswer, robotLabel, robotMessage, robotRequestBody } from '../domain/channels';
import { chineseDateTime } from '../domain/zoned-time';
import { DubanError } from '../domain/errors';
import {
  CHANNEL_TRIES,
  CHANNEL_WORKFLOW_TYPE,
  type ChannelInput,
  type ChannelResult,
  type ChannelsInput,
  channelDeliveryKey,
  channelWorkflowId,
} from '../shared/channel-contract';
import { type CampaignSettings, campaignCache, unitWebhooks } from '../store/campaigns';
import type { Unit } from '../store/db';
import { CHANNEL_DELIVERIES, type ChannelDelivery, channelRequest, prepareChannelRecord, recordChannelFailure, recordChannelOutcome } from '../store/channels';
import { CLAIM_LEASE, type ClaimLease, wasSent } from '../store/claims';
import type { Db } from '../store/db';
import { deliverOnce, startOnce } from './deliver';

/** How long a robot may take to answer. */
const ROBOT_TIMEOUT_MS = 10_000;
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;
const REHEARSAL_MARK = '【演练】';

/** Where the channel workflows run; without it (a bare activity in a test) no robot is told. */
export interface ChannelStarter {
  client?: Client;
  taskQueue?: string;
}

/** A letter as e-mailed to a unit: what its robots are told of it. */
export interface EmailedLetter {
  letterKey: string;
  subject: string;
  sentAt: Date;
  deliverableIds: string[];
  deadline?: string;
  portalUrl?: string;
}

/**
 * After a letter went to `unit` by e-mail: its message to each of the unit's robots (domain/channels.ts robotMessage),
 * in one workflow started once. A rehearsal (a campaign clock with an offset) tells only robots on this machine, its
 * message marked 【演练】.
 */
export async function tellRobots(
  deps: ChannelStarter,
  settings: Pick<CampaignSettings, 'timeZone' | 'clockOffsetMs'>,
  unit: Pick<Unit, 'campaignId' | 'unitId' | 'name' | 'email' | 'webhooks'>,
  letter: EmailedLetter,
): Promise<void> {
  if (!deps.client || !deps.taskQueue || unit.webhooks === '[]') return;
  const rehearsal = settings.clockOffsetMs !== 0;
  const webhooks = unitWebhooks(unit);
  const channels = webhooks.flatMap((w, i) => (!rehearsal || LOOPBACK_HOST.test(new URL(w.url).hostname) ? [channelId(webhooks, i)] : []));
  if (channels.length === 0) return;
  const { letterKey, deliverableIds, deadline, portalUrl } = letter;
  const mark = rehearsal ? REHEARSAL_MARK : '';
  const message = robotMessage({
    subject: `${mark}${letter.subject}`,
    unitName: unit.name,
    email: unit.email,
    sentOn: chineseDateTime(letter.sentAt.getTime(), settings.timeZone),
    ...(deadline ? { deadline } : {}),
    ...(portalUrl ? { portalUrl } : {}),
  });
  const input: ChannelsInput = { letterKey, campaignId: unit.campaignId, unitId: unit.unitId, deliverableIds, channels, message };
  await startOnce(deps.client, CHANNEL_WORKFLOW_TYPE, { workflowId: channelWorkflowId(letterKey, unit.unitId), taskQueue: deps.taskQueue, args: [input] });
}

/** Posts the message to the robot; throws unless it answered 2xx with errcode 0. 钉钉 with a secret: signed (加签). */
async function postToRobot(w: Webhook, m: RobotMessage): Promise<void> {
  const url = new URL(w.url);
  if (w.kind === 'dingtalk' && w.secret) {
    const timestamp = String(Date.now());
    url.searchParams.set('timestamp', timestamp);
    url.searchParams.set('sign', createHmac('sha256', w.secret).update(`${timestamp}\n${w.secret}`).digest('base64'));
  }
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: robotRequestBody(w.kind, m),
    signal: AbortSignal.timeout(ROBOT_TIMEOUT_MS),
  });
  const answer = robotAnswer(res.status, await res.text());
  if (!answer.ok) throw new Error(`the ${w.kind} robot at ${url.host} did not take the message: ${answer.reason}`);
}

export function createChannelActivities(deps: { db: Db; noticeLease?: ClaimLease }) {
  const { db } = deps;
  const lease = deps.noticeLease ?? CLAIM_LEASE;
  const loadCampaign = campaignCache(db);

  async function sendToChannel(input: ChannelInput): Promise<ChannelResult> {
    const deliveryKey = channelDeliveryKey(input.letterKey, input.channel);
    const loaded = await loadCampaign(input.campaignId);
    const unit = loaded.units.get(input.unitId);
    if (!unit) throw new DubanError('UNKNOWN_UNIT', `campaign ${input.campaignId} has no unit ${JSON.stringify(input.unitId)}`);
    const webhooks = unitWebhooks(unit);
    const index = webhooks.findIndex((_, i) => channelId(webhooks, i) === input.channel);
    if (index < 0) throw new DubanError('INVALID_ARGUMENT', `unit ${input.campaignId}/${input.unitId} has no group robot ${input.channel}`);
    const webhook = webhooks[index];
    const delivery: ChannelDelivery = { ...input, deliveryKey, kind: webhook.kind, robot: robotLabel(webhooks, index) };
    const now = new Date(loaded.clock.current(Date.now(), () => Context.current().info.currentAttemptScheduledTimestampMs));
    try {
      const delivered = await deliverOnce({
        db,
        lease,
        table: CHANNEL_DELIVERIES,
        request: channelRequest(delivery),
        heldType: 'CHANNEL_CLAIMED',
        prepare: () => ({ record: prepareChannelRecord(db, delivery, now) }),
        send: () => postToRobot(webhook, delivery.message),
      });
      if (delivered !== 'already-sent') return { deliveryKey, outcome: 'sent' };
    } catch (err) {
      // the robot's last try: its failure is recorded, and the letter's other robots (and its e-mail) are not held up
      const held = err instanceof ApplicationFailure && err.type === 'CHANNEL_CLAIMED';
      if (held || Context.current().info.attempt < CHANNEL_TRIES) throw err;
      if (!(await wasSent(db, CHANNEL_DELIVERIES, deliveryKey))) {
        await recordChannelFailure(db, delivery, now, err instanceof Error ? err.message : String(err));
        return { deliveryKey, outcome: 'failed' };
      }
    }
    await recordChannelOutcome(db, delivery);
    return { deliveryKey, outcome: 'already-sent' };
  }

  return { sendToChannel };
}
