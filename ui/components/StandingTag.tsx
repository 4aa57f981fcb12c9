// The coloured status of an obligation: green on time, gold due soon, blue open, red deepening with the escalation
// level, orange submitted late, grey waived; grey 已延期 / 已退回 beside it.
import { Tag } from 'antd';
import type { BoardRow, EscalationLevel } from '../../web/api-types';
import { ESCALATION_LABEL, STANDING_LABEL } from '../labels';

const OVERDUE_COLOUR: Record<EscalationLevel, string> = {
  none: '#ff7875',
  urge: '#ff4d4f',
  notice: '#f5222d',
  circulate: '#cf1322',
  interview: '#820014',
};

export function StandingTag({ row }: { row: Pick<BoardRow, 'standing' | 'escalation' | 'extended' | 'returned'> }) {
  const { standing, escalation } = row;
  let tag;
  switch (standing) {
    case 'on_time':
      tag = <Tag color="success">{STANDING_LABEL.on_time}</Tag>;
      break;
    case 'due_soon':
      tag = <Tag color="gold">{STANDING_LABEL.due_soon}</Tag>;
      break;
    case 'open':
      tag = <Tag color="processing">{STANDING_LABEL.open}</Tag>;
      break;
    case 'overdue':
      tag = (
        <Tag color={OVERDUE_COLOUR[escalation]} variant="solid">
          {STANDING_LABEL.overdue}
          {escalation !== 'none' ? `·${ESCALATION_LABEL[escalation]}` : ''}
        </Tag>
      );
      break;
    case 'submitted_late':
      tag = <Tag color="orange">{STANDING_LABEL.submitted_late}</Tag>;
      break;
    case 'waived':
      tag = <Tag color="default">{STANDING_LABEL.waived}</Tag>;
      break;
    default:
      tag = <Tag>{String(standing)}</Tag>;
  }
  return (
    <span data-testid="standing" data-standing={standing} data-escalation={escalation} style={{ whiteSpace: 'nowrap' }}>
      {tag}
      {row.extended && <Tag color="default">已延期</Tag>}
      {row.returned && <Tag color="default">已退回</Tag>}
    </span>
  );
}
