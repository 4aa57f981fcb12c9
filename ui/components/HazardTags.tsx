// The coloured words of a hazard: its status, its level (重大 in red) and its 挂牌督办.
import { Tag } from 'antd';
import { HAZARD_LEVEL_LABEL, HAZARD_STATUS_COLOR, HAZARD_STATUS_LABEL, LISTING_LEVEL_LABEL, LISTING_STATUS_LABEL, type HazardLevel, type HazardStatus, type ListingLevel } from '../hazardLabels';

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
