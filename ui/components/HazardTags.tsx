// The coloured words of a hazard: its status, its level (重大 in red), its 挂牌督办, a letter of it waiting for 签发 and
// a 限期整改指令书 not yet signed.
import { Tag, Tooltip } from 'antd';
import {
  HAZARD_LEVEL_LABEL,
  HAZARD_STATUS_COLOR,
  HAZARD_STATUS_LABEL,
  HELD_LETTER_LABEL,
  LISTING_LEVEL_LABEL,
  LISTING_STATUS_LABEL,
  type HazardLevel,
  type HazardStatus,
  type HeldLetterKind,
  type ListingLevel,
} from '../hazardLabels';
import type { HazardSummary } from '../hazardTypes';

export function HazardStatusTag({ status }: { status: HazardStatus }) {
  return (
    <Tag color={HAZARD_STATUS_COLOR[status]} data-testid="hazard-status" data-status={status}>
      {HAZARD_STATUS_LABEL[status] ?? status}
    </Tag>
  );
}

export function HazardLevelTag({ level }: { level: HazardLevel }) {
  return level === 'major' ? (
    <Tag color="red" variant="solid">
      {HAZARD_LEVEL_LABEL.major}
    </Tag>
  ) : (
    <Tag>{HAZARD_LEVEL_LABEL[level] ?? level}</Tag>
  );
}

export function ListingTag({ listing }: { listing: { status: string; level: string } | null }) {
  if (!listing) return <>—</>;
  const level = LISTING_LEVEL_LABEL[listing.level as ListingLevel] ?? listing.level;
  return (
    <Tag color={listing.status === 'listed' ? 'volcano' : 'default'} data-testid="hazard-listing">
      {listing.status === 'listed' ? `${level}挂牌` : `${level}${LISTING_STATUS_LABEL[listing.status] ?? listing.status}`}
    </Tag>
  );
}

/** 待签发: its 约谈通知, or a 通报 listing it, waits for a leader's 签发 (nothing when none). */
export function AwaitingSignOffTag({ kinds }: { kinds: HeldLetterKind[] | undefined }) {
  if (!kinds?.length) return null;
  const names = kinds.map((k) => HELD_LETTER_LABEL[k] ?? k).join('、');
  return (
    <Tooltip title={`${names}已拟好，等待领导签发后发出（见专项行动首页的“待签发”）`}>
      <Tag color="orange" data-testid="hazard-awaiting-sign-off" data-kinds={kinds.join(',')}>
        待签发：{names}
      </Tag>
    </Tooltip>
  );
}

/** 未签收: the 限期整改指令书 of its 挂牌督办 not yet signed by the units named, N working days after it was sent. */
export function UnsignedOrderTag({ order }: { order: HazardSummary['unsignedOrder'] | undefined }) {
  if (!order) return null;
  const names = order.units.map((u) => u.name).join('、');
  return (
    <Tooltip title={`限期整改指令书（${order.documentNumber}）${order.sentOn} 送达，${names}尚未签收，已 ${order.workingDays} 个工作日`}>
      <Tag
        color={order.workingDays > 0 ? 'red' : 'default'}
        style={{ whiteSpace: 'normal', marginInlineEnd: 0 }}
        data-testid="hazard-unsigned-order"
        data-units={order.units.map((u) => u.id).join(',')}
      >
        {names}未签收{order.workingDays > 0 ? `，已${order.workingDays}个工作日` : ''}
      </Tag>
    </Tooltip>
  );
}
