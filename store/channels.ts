// A letter's message to one of a unit's group robots (ChannelDelivery): one row per letter key and robot, claimed
// with the generic claim (store/claims.ts) before the webhook is called, and marked sent, with the audit event
// channel.sent on each obligation the letter is about, after the robot took it.
import type { ChannelKind, RobotMessage } from '../domain/channels';
import { auditInsert, auditWrite } from './audit';
import { type Claim, type ClaimRows, type ClaimTable, prepareRecord } from './claims';
import type { Db } from './db';

export const CHANNEL_DELIVERIES: ClaimTable = {
  table: 'ChannelDelivery',
  key: 'deliveryKey',
  noun: 'channel delivery',
  numbered: false,
  rows: (db) => db.channelDelivery as unknown as ClaimRows,
};

export interface ChannelDelivery {
  deliveryKey: string;
  letterKey: string;
  campaignId: string;
  unitId: string;
  deliverableIds: string[];
  kind: ChannelKind;
  channel: string;
  /** The robot as the record names it (domain/channels.ts robotLabel). */
  robot: string;
  message: RobotMessage;
}

export function channelRequest(d: ChannelDelivery): Claim<ChannelDelivery> {
  return {
    key: d.deliveryKey,
    word: () => d,
    columns: (x) => ({ subject: x.message.title, body: x.message.text }),
    fixed: { letterKey: d.letterKey, campaignId: d.campaignId, unitId: d.unitId, deliverableId: d.deliverableIds[0] ?? null, kind: d.kind, channel: d.channel },
  };
}

/** On each obligation the letter is about (the unit's own events when none): the event key, and its deliverable. */
function onEach(d: ChannelDelivery, suffix: string) {
  const ids = d.deliverableIds.length > 0 ? d.deliverableIds : [undefined];
  return ids.map((deliverableId) => ({
    eventKey: `${d.deliveryKey}${suffix}${ids.length > 1 ? `/${deliverableId}` : ''}`,
    campaignId: d.campaignId,
    unitId: d.unitId,
    ...(deliverableId ? { deliverableId } : {}),
  }));
}

function sentWrites(db: Db, d: ChannelDelivery, sentAt: Date) {
  return onEach(d, '').map((on) =>
    auditInsert(db, {
      ...on,
      at: sentAt,
      kind: 'channel.sent',
      actor: 'duban',
      summary: `群机器人已送达（${d.robot}）：${d.message.title}`,
      detail: { letterKey: d.letterKey, kind: d.kind, channel: d.channel, robot: d.robot, subject: d.message.title, text: d.message.text },
    }),
  );
}

/** The record of a delivered message (store/claims.ts prepareRecord): the sent-mark and channel.sent. */
export function prepareChannelRecord(db: Db, d: ChannelDelivery, sentAt: Date) {
  return prepareRecord(db, CHANNEL_DELIVERIES, d.deliveryKey, sentAt, () => sentWrites(db, d, sentAt));
}

/** Completes the record of a message an earlier attempt delivered (and may have died before recording). */
export async function recordChannelOutcome(db: Db, d: ChannelDelivery): Promise<void> {
  const row = await db.channelDelivery.findUnique({ where: { deliveryKey: d.deliveryKey }, select: { sentAt: true } });
  if (!row?.sentAt) throw new Error(`channel delivery ${d.deliveryKey} is not recorded as sent`);
  await db.$transaction(sentWrites(db, d, row.sentAt));
}

/** The robot refused or could not be reached on every try: recorded on the obligation, so that the office knows. */
export async function recordChannelFailure(db: Db, d: ChannelDelivery, at: Date, reason: string): Promise<void> {
  await db.$transaction(
    onEach(d, '/failed').map((on) =>
      auditWrite(db, {
        ...on,
        at,
        kind: 'channel.failed',
        actor: 'duban',
        summary: `群机器人未能送达（${d.robot}；${reason}）：${d.message.title}`,
        detail: { letterKey: d.letterKey, kind: d.kind, channel: d.channel, robot: d.robot, subject: d.message.title, reason },
      }),
    ),
  );
}
