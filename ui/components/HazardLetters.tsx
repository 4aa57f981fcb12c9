// A hazard's letters in its drawer, as an obligation's timeline shows its own (ObligationTimeline): each letter with
// when it went, its kind, to whom, its 发文字号, why, and its full text; and above them the letter its chase sends
// next if nothing changes, or why none is due.
import { MailOutlined } from '@ant-design/icons';
import { Alert, Collapse, Tag, Timeline, Typography } from 'antd';
import { HAZARD_LETTER_STATUS_COLOR } from '../hazardLabels';
import type { HazardDetail } from '../hazardTypes';

type Letter = HazardDetail['letters'][number];
type NextLetter = NonNullable<HazardDetail['nextLetter']>;


function colourOf(l: Letter): string {
  if (l.status !== 'sent') return 'gray';
  if (l.kind === 'interview' || l.kind === 'circulate' || l.kind === 'listing_order') return 'red';
  if (l.kind === 'urge' || l.kind === 'notice' || l.kind === 'acceptance_overdue') return '#fa541c';
  if (l.kind === 'delisting') return 'green';
  return 'blue';
}

/** 下一份文书：督办通知，2022年10月13日 09:00，发送给雷城街道、市教育局（原因…）; or 暂无待发文书（why）. */
export function HazardNextLetter({ next, none }: { next: NextLetter | null | undefined; none: string | null | undefined }) {
  if (!next)
    return (
      <Typography.Paragraph type="secondary" data-testid="hazard-next-letter" data-kind="">
        暂无待发文书{none ? `（${none}）` : ''}
      </Typography.Paragraph>
    );
  const held = next.status ? `（${next.statusName ?? next.status}）` : '';
  return (
    <Alert
      type={next.status === 'awaiting_sign_off' ? 'warning' : 'info'}
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="hazard-next-letter"
      data-kind={next.kind}
      title={
        <span>
          下一份文书：{next.kindName}
          {held}，{next.at}，发送给{next.recipients.join('、')}
          <Typography.Text type="secondary">（{next.reason}）</Typography.Text>
        </span>
      }
    />
  );
}

export function HazardLetters({ letters }: { letters: Letter[] }) {
  if (letters.length === 0)
    return (
      <Typography.Text type="secondary" data-testid="hazard-letters">
        尚未发出文书
      </Typography.Text>
    );
  return (
    <div data-testid="hazard-letters">
      <Timeline
        items={letters.map((l) => ({
          key: l.key,
          color: colourOf(l),
          icon: <MailOutlined />,
          content: (
            <div data-testid="hazard-letter" data-kind={l.kind} data-status={l.status}>
              <div>
                <Typography.Text type="secondary" style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {l.sentAt ?? l.scheduledAt}
                </Typography.Text>
                <Tag style={{ marginLeft: 8 }}>{l.kindName}</Tag>
                {l.status !== 'sent' && (
                  <Tag color={HAZARD_LETTER_STATUS_COLOR[l.status] ?? 'default'} data-testid="hazard-letter-status">
                    {l.statusName}
                  </Tag>
                )}
                {l.documentNumber && <Typography.Text type="secondary">{l.documentNumber}</Typography.Text>}
              </div>
              <div style={{ marginTop: 2 }}>{l.subject}</div>
              <div>
                <Typography.Text type="secondary">收件人：</Typography.Text>
                {l.recipients.join('、') || '—'}
              </div>
              <Collapse
                size="small"
                ghost
                style={{ marginLeft: -16 }}
                items={[
                  {
                    key: 'letter',
                    label: <span data-testid="hazard-letter-toggle">查看函件：{l.subject}</span>,
                    children: (
                      <div data-testid="hazard-letter-detail">
                        <div>
                          <Typography.Text type="secondary">标题：</Typography.Text>
                          {l.subject}
                        </div>
                        <div>
                          <Typography.Text type="secondary">发文字号：</Typography.Text>
                          {l.documentNumber ?? '—'}
                        </div>
                        <div>
                          <Typography.Text type="secondary">收件人：</Typography.Text>
                          {l.to.join('、') || '—'}
                        </div>
                        {l.cc.length > 0 && (
                          <div>
                            <Typography.Text type="secondary">抄送：</Typography.Text>
                            {l.cc.join('、')}
                          </div>
                        )}
                        <div>
                          <Typography.Text type="secondary">{l.sentAt ? '发送时间：' : '应发时间：'}</Typography.Text>
                          {l.sentAt ?? l.scheduledAt}
                        </div>
                        <div>
                          <Typography.Text type="secondary">发送原因：</Typography.Text>
                          {l.reason || '—'}
                        </div>
                        <pre className="letter-body" data-testid="hazard-letter-body">
                          {l.text}
                        </pre>
                      </div>
                    ),
                  },
                ]}
              />
            </div>
          ),
        }))}
      />
    </div>
  );
}
