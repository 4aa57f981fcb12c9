// 待签发: the campaign's 通报 and 约谈通知 waiting for a leader's sign-off, each with its full text; a 领导 or 管理员
// approves it (it goes out now, dated today) or withdraws it with a reason. Shown on the board when any waits.
import { Alert, App, Button, Card, Input, List, Modal, Popconfirm, Space, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { SignOffView } from '../../web/api-types';
import { api, errorMessage } from '../api';
import { ACTION_LABEL, formatInstant } from '../labels';
import { useSession } from '../session';

export function SignOffCard({ campaignId, reloadKey, onDecided }: { campaignId: string; reloadKey: number; onDecided: () => void }) {
  const { message } = App.useApp();
  const { session } = useSession();
  const mayDecide = session.operator.role === 'leader' || session.operator.role === 'admin';
  const [items, setItems] = useState<SignOffView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [withdrawing, setWithdrawing] = useState<SignOffView | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setItems((await api<{ signOffs: SignOffView[] }>(`/api/campaigns/${encodeURIComponent(campaignId)}/sign-offs`)).signOffs);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [campaignId]);
  useEffect(() => {
    void load();
  }, [load, reloadKey]);

  const decide = async (item: SignOffView, decision: 'approve' | 'withdraw', why?: string) => {
    setBusy(true);
    try {
      await api(`/api/sign-offs/${encodeURIComponent(item.key)}/${decision}`, { method: 'POST', json: decision === 'withdraw' ? { reason: why } : {} });
      message.success(decision === 'approve' ? '已签发，即将发出' : '已撤回，不会发出');
      setWithdrawing(null);
      setReason('');
      await load();
      onDecided();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (items.length === 0 && !error) return null;
  return (
    <Card title={`待签发（${items.length}）`} style={{ marginBottom: 16 }} data-testid="sign-offs">
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="sign-off-error" />}
      <List
        dataSource={items}
        renderItem={(item) => (
          <List.Item
            data-testid={`sign-off-${item.key}`}
            actions={
              mayDecide
                ? [
                    <Popconfirm
                      key="approve"
                      title="签发后立即发出，以今日为成文日期"
                      okText="签发"
                      cancelText="取消"
                      okButtonProps={{ 'data-testid': 'sign-off-approve-confirm' } as never}
                      onConfirm={() => void decide(item, 'approve')}
                    >
                      <Button type="primary" loading={busy} data-testid={`sign-off-approve-${item.key}`}>
                        签发
                      </Button>
                    </Popconfirm>,
                    <Button key="withdraw" danger disabled={busy} onClick={() => setWithdrawing(item)} data-testid={`sign-off-withdraw-${item.key}`}>
                      撤回
                    </Button>,
                  ]
                : [<Typography.Text key="who" type="secondary">待领导签发</Typography.Text>]
            }
          >
            <Space direction="vertical" style={{ width: '100%' }}>
              <Space wrap>
                <Tag color="gold">{ACTION_LABEL[item.action] ?? item.action}</Tag>
                <Typography.Text strong>{item.subject}</Typography.Text>
              </Space>
              <Typography.Text type="secondary">
                {formatInstant(item.scheduledAt)} 应发 · 列 {item.listed.length} 项：{item.listed.map((l) => (l.deliverableId.startsWith('隐患/') ? `${l.unitName}${l.deliverableName}` : l.unitName)).join('、')}
              </Typography.Text>
              <Button type="link" style={{ padding: 0 }} onClick={() => setOpen(open === item.key ? null : item.key)} data-testid={`sign-off-preview-${item.key}`}>
                {open === item.key ? '收起全文' : '查看全文'}
              </Button>
              {open === item.key && (
                <pre style={{ whiteSpace: 'pre-wrap', margin: 0, fontFamily: 'inherit' }} data-testid="sign-off-text">
                  {item.text}
                </pre>
              )}
            </Space>
          </List.Item>
        )}
      />
      <Modal
        open={withdrawing !== null}
        title="撤回：此文书将不会发出"
        okText="撤回"
        okButtonProps={{ danger: true, disabled: !reason.trim(), loading: busy, 'data-testid': 'sign-off-withdraw-confirm' } as never}
        onOk={() => withdrawing && void decide(withdrawing, 'withdraw', reason.trim())}
        onCancel={() => setWithdrawing(null)}
      >
        <Input.TextArea rows={3} placeholder="撤回理由（必填）" value={reason} onChange={(e) => setReason(e.target.value)} data-testid="sign-off-reason" />
      </Modal>
    </Card>
  );
}
