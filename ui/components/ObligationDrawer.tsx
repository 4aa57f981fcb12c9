// One obligation in a drawer: the unit and its contacts, where it stands, the next step, the actions, the unit's
// extension requests, the whole timeline, the Temporal link and the unit's portal link.
import { ExportOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Divider, Drawer, Empty, List, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { ExtensionRequest, ObligationDetail } from '../../web/api-types';
import { api } from '../api';
import { useDetail } from '../useDetail';
import { ACTION_LABEL, ESCALATION_LABEL, REQUEST_STATUS_LABEL, formatInstant, unitTypeLabel, actorLabel } from '../labels';
import { enc } from '../router';
import { ActionModal, type ActionKind, type ActionSpec } from './ActionModal';
import { ObligationTimeline } from './ObligationTimeline';
import { StandingTag } from './StandingTag';

const DONE_MESSAGE: Record<ActionKind, string> = {
  submit: '已登记报送',
  extend: '已延期',
  return: '已退回',
  waive: '已免报',
  approve: '已批准延期申请',
  refuse: '已不予批准',
};

export function ObligationDrawer({
  campaignId,
  target,
  today,
  onClose,
  onChanged,
}: {
  campaignId: string;
  target: { unitId: string; deliverableId: string } | null;
  today?: string;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { message } = App.useApp();
  const [action, setAction] = useState<ActionSpec | null>(null);

  const unitId = target?.unitId;
  const deliverableId = target?.deliverableId;
  const path = unitId && deliverableId ? `/api/campaigns/${enc(campaignId)}/obligations/${enc(unitId)}/${enc(deliverableId)}` : null;
  const { detail, error, loading, load } = useDetail<ObligationDetail>(path);


  const row = detail?.row;
  const submitted = row?.standing === 'on_time' || row?.standing === 'submitted_late';
  const waived = row?.standing === 'waived';
  const subject = detail ? `${detail.unit.name} · ${detail.deliverable.name}` : '';

  const start = (kind: ActionKind, extra: Partial<ActionSpec> = {}) => path && setAction({ kind, path: `${path}/${kind}`, subject, ...extra });
  const startRequest = (kind: 'approve' | 'refuse', r: ExtensionRequest) =>
    setAction({
      kind,
      path: `/api/extension-requests/${enc(String(r.id))}/${kind}`,
      subject: `${subject}：申请延期至 ${r.requestedTo}（${r.reason}）`,
      defaultDate: kind === 'approve' ? r.requestedTo : undefined,
    });

  const copyPortal = async () => {
    if (!detail) return;
    try {
      await navigator.clipboard.writeText(detail.portalUrl);
      message.success('已复制单位报送链接');
    } catch {
      message.info('请手动复制链接');
    }
  };

  return (
    <Drawer
      open={target !== null}
      onClose={onClose}
      size={760}
      title={detail ? subject : '报送事项'}
      extra={row && <StandingTag row={row} />}
      destroyOnHidden
      data-testid="drawer"
    >
      <div data-testid="obligation-drawer">
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="drawer-error" />}
        {!detail && loading && (
          <div style={{ textAlign: 'center', padding: 48 }}>
            <Spin />
          </div>
        )}
        {detail && row && (
          <Spin spinning={loading}>
            <Descriptions
              size="small"
              bordered
              column={2}
              styles={{ label: { whiteSpace: 'nowrap' } }}
              data-testid="drawer-detail"
              items={[
                { key: 'unit', label: '单位', children: `${detail.unit.name}（${unitTypeLabel(detail.unit.type)}）`, span: 2 },
                { key: 'email', label: '单位邮箱', children: detail.unit.email || '—' },
                {
                  key: 'principal',
                  label: '负责人',
                  children: detail.unit.principals.length
                    ? detail.unit.principals.map((p) => `${p.title ?? ''}${p.name} <${p.email}>`).join('；')
                    : '—',
                },
                { key: 'deliverable', label: '报送事项', children: detail.deliverable.name },
                { key: 'stage', label: '阶段', children: detail.deliverable.stage },
                {
                  key: 'due',
                  label: '截止时间',
                  children: (
                    <>
                      {row.due}
                      {row.originalDue && row.originalDue !== row.due && (
                        <Typography.Text type="secondary"> （原 {row.originalDue}）</Typography.Text>
                      )}
                    </>
                  ),
                },
                { key: 'escalation', label: '督办等级', children: ESCALATION_LABEL[row.escalation] ?? row.escalation },
                { key: 'late', label: '逾期工作日', children: row.lateWorkingDays ?? '—' },
                { key: 'submittedAt', label: '报送时间', children: formatInstant(row.submittedAt) },
                {
                  key: 'next',
                  label: '下一步',
                  span: 2,
                  children: (
                    <span data-testid="drawer-next-step">
                      {detail.nextStep
                        ? `${ACTION_LABEL[detail.nextStep.action] ?? detail.nextStep.action}（${formatInstant(detail.nextStep.at)}）`
                        : '无（不再发送通知）'}
                    </span>
                  ),
                },
                ...(row.summary ? [{ key: 'summary', label: '情况', span: 2, children: row.summary }] : []),
              ]}
            />

            <Space wrap style={{ marginTop: 16 }}>
              <Button type="primary" onClick={() => start('submit')} disabled={submitted || waived} data-testid="action-submit">
                登记报送
              </Button>
              <Button onClick={() => start('extend')} disabled={submitted || waived} data-testid="action-extend">
                延期
              </Button>
              <Button onClick={() => start('return')} disabled={!submitted} data-testid="action-return">
                退回
              </Button>
              <Button danger onClick={() => start('waive')} disabled={submitted || waived} data-testid="action-waive">
                免报
              </Button>
            </Space>

            <Divider titlePlacement="start">延期申请</Divider>
            {detail.extensionRequests.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="该单位没有提出延期申请" />
            ) : (
              <List
                data-testid="extension-requests"
                dataSource={detail.extensionRequests}
                renderItem={(r) => (
                  <List.Item
                    data-testid={`extension-request-${r.id}`}
                    actions={
                      r.status === 'pending'
                        ? [
                            <Button key="a" type="link" onClick={() => startRequest('approve', r)} data-testid={`request-approve-${r.id}`}>
                              批准
                            </Button>,
                            <Button key="r" type="link" danger onClick={() => startRequest('refuse', r)} data-testid={`request-refuse-${r.id}`}>
                              不予批准
                            </Button>,
                          ]
                        : []
                    }
                  >
                    <List.Item.Meta
                      title={
                        <Space>
                          <span>申请延期至 {r.requestedTo}</span>
                          <Tag color={r.status === 'pending' ? 'gold' : r.status === 'approved' ? 'success' : 'default'}>
                            {REQUEST_STATUS_LABEL[r.status]}
                          </Tag>
                        </Space>
                      }
                      description={
                        <>
                          <div>理由：{r.reason}</div>
                          <div>申请时间：{formatInstant(r.requestedAt)}</div>
                          {r.status !== 'pending' && (
                            <div>
                              {actorLabel(r.decidedBy)} 于 {formatInstant(r.decidedAt)} {REQUEST_STATUS_LABEL[r.status]}
                              {r.decisionNote ? `：${r.decisionNote}` : ''}
                            </div>
                          )}
                        </>
                      }
                    />
                  </List.Item>
                )}
              />
            )}

            <Divider titlePlacement="start">记录</Divider>
            <ObligationTimeline items={detail.timeline} />

            <Divider titlePlacement="start">链接</Divider>
            <Space orientation="vertical" style={{ width: '100%' }}>
              <div>
                <Typography.Text type="secondary">单位报送链接：</Typography.Text>
                <Typography.Text copyable={{ text: detail.portalUrl, tooltips: ['复制', '已复制'] }} data-testid="portal-url" style={{ wordBreak: 'break-all' }}>
                  {detail.portalUrl}
                </Typography.Text>
                <Button type="link" size="small" onClick={() => void copyPortal()} data-testid="portal-url-copy">
                  复制链接
                </Button>
              </div>
              {detail.workflowStartsAt && (
                <Typography.Text type="secondary" data-testid="workflow-starts-at">
                  工作流将于 {detail.workflowStartsAt} 启动（首次提醒前一天；在此之前的操作会立即启动它）
                </Typography.Text>
              )}
              {detail.temporalUrl && (
                <a href={detail.temporalUrl} target="_blank" rel="noreferrer" data-testid="temporal-link">
                  <ExportOutlined /> 在 Temporal 中查看
                </a>
              )}
            </Space>
          </Spin>
        )}
      </div>
      <ActionModal
        spec={action}
        today={today}
        onClose={() => setAction(null)}
        onDone={(r, kind) => {
          setAction(null);
          message.success(DONE_MESSAGE[kind]);
          for (const w of r?.warnings ?? []) message.warning(w);
          void load();
          onChanged();
        }}
      />
    </Drawer>
  );
}
