// The record of one obligation: every letter (subject, recipients, why, the full text) and every action with who took it.
import { FileOutlined, MailOutlined } from '@ant-design/icons';
import { Collapse, Tag, Timeline, Typography } from 'antd';
import type { TimelineItem } from '../../web/api-types';
import { ACTION_LABEL, TIMELINE_KIND_LABEL, formatInstant, formatSize } from '../labels';

function colourOf(item: TimelineItem): string {
  const a = item.letter?.action;
  if (a === 'interview' || a === 'circulate') return 'red';
  if (a === 'urge' || a === 'notice') return '#fa541c';
  if (a) return 'blue';
  if (item.kind === 'obligation.submit' || item.kind === 'extension.approved') return 'green';
  if (item.kind === 'obligation.waive' || item.kind === 'obligation.return' || item.kind === 'extension.refused') return 'gray';
  if (item.kind.startsWith('interview.')) return 'red';
  return 'blue';
}

export function ObligationTimeline({ items }: { items: TimelineItem[] }) {
  if (items.length === 0) return <Typography.Text type="secondary">暂无记录</Typography.Text>;
  return (
    <div data-testid="timeline">
      <Timeline
        items={items.map((item, i) => ({
          key: i,
          color: colourOf(item),
          icon: item.letter ? <MailOutlined /> : undefined,
          content: (
            <div data-testid="timeline-item" data-kind={item.kind}>
              <div>
                <Typography.Text type="secondary" style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {formatInstant(item.at)}
                </Typography.Text>
                <Tag style={{ marginLeft: 8 }}>
                  {item.letter ? (ACTION_LABEL[item.letter.action] ?? item.letter.action) : (TIMELINE_KIND_LABEL[item.kind] ?? item.kind)}
                </Tag>
                {item.actor && <Typography.Text type="secondary">{item.actor}</Typography.Text>}
              </div>
              <div style={{ marginTop: 2 }}>{item.summary}</div>
              {item.file && (
                <div>
                  <a href={`/api/files/${encodeURIComponent(item.file.sha256)}`} target="_blank" rel="noreferrer" download={item.file.name}>
                    <FileOutlined /> {item.file.name}
                  </a>
                  <Typography.Text type="secondary"> （{formatSize(item.file.size)}）</Typography.Text>
                </div>
              )}
              {item.letter && (
                <Collapse
                  size="small"
                  ghost
                  style={{ marginLeft: -16 }}
                  items={[
                    {
                      key: 'letter',
                      label: <span data-testid="letter-toggle">查看函件：{item.letter.subject}</span>,
                      children: (
                        <div data-testid="letter">
                          <div>
                            <Typography.Text type="secondary">标题：</Typography.Text>
                            {item.letter.subject}
                          </div>
                          <div>
                            <Typography.Text type="secondary">收件人：</Typography.Text>
                            {item.letter.recipients.join('、') || '—'}
                          </div>
                          <div>
                            <Typography.Text type="secondary">发送原因：</Typography.Text>
                            {item.letter.reason || '—'}
                          </div>
                          <pre className="letter-body" data-testid="letter-body">
                            {item.letter.body}
                          </pre>
                        </div>
                      ),
                    },
                  ]}
                />
              )}
            </div>
          ),
        }))}
      />
    </div>
  );
}
