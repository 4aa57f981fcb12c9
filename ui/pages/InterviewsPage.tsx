// 约谈: the interview records of a campaign; 安排 (time, place, who conducts it) and 记录结果并办结 (outcome).
import { ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, DatePicker, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import type { CampaignSummary, Facets, Interview } from '../../web/api-types';
import { api, errorMessage } from '../api';
import { PageHeader } from '../components/PageHeader';
import { CHINA_OFFSET, INTERVIEW_STATUS_LABEL, formatInstant } from '../labels';
import { enc } from '../router';

const STATUS_COLOUR: Record<Interview['status'], string> = { to_schedule: 'gold', scheduled: 'processing', held: 'success' };

export function InterviewsPage({ campaignId }: { campaignId: string }) {
  const { message } = App.useApp();
  const [interviews, setInterviews] = useState<Interview[] | null>(null);
  const [campaign, setCampaign] = useState<(CampaignSummary & { facets?: Facets }) | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [editing, setEditing] = useState<{ kind: 'schedule' | 'close'; interview: Interview } | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const r = await api<{ interviews: Interview[] }>(`/api/campaigns/${enc(campaignId)}/interviews`);
      setInterviews(r.interviews);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoading(false);
    }
  }, [campaignId]);

  useEffect(() => {
    void load();
    api<CampaignSummary & { facets?: Facets }>(`/api/campaigns/${enc(campaignId)}`).then(setCampaign, () => undefined);
  }, [load, campaignId]);

  const columns: ColumnsType<Interview> = [
    { title: '单位', dataIndex: 'unitName', render: (v: string, r) => v || r.unitId },
    {
      title: '报送事项',
      dataIndex: 'deliverableId',
      render: (v: string) => campaign?.facets?.deliverables.find((d) => d.id === v)?.name ?? v,
    },
    { title: '约谈对象', dataIndex: 'principal' },
    {
      title: '状态',
      dataIndex: 'status',
      render: (s: Interview['status']) => <Tag color={STATUS_COLOUR[s]}>{INTERVIEW_STATUS_LABEL[s] ?? s}</Tag>,
    },
    { title: '约谈时间', dataIndex: 'scheduledFor', render: (v: string | null) => formatInstant(v) },
    { title: '地点', dataIndex: 'place', render: (v: string | null) => v || '—' },
    { title: '约谈人', dataIndex: 'conductedBy', render: (v: string | null) => v || '—' },
    {
      title: '结果',
      dataIndex: 'outcome',
      render: (v: string | null, r) =>
        v ? (
          <div>
            {v}
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                办结于 {formatInstant(r.closedAt)}
              </Typography.Text>
            </div>
          </div>
        ) : (
          '—'
        ),
    },
    { title: '生成时间', dataIndex: 'createdAt', render: (v: string) => formatInstant(v) },
    {
      title: '操作',
      key: 'ops',
      render: (_, r) =>
        r.status === 'held' ? null : (
          <Space size={0}>
            <Button type="link" onClick={() => setEditing({ kind: 'schedule', interview: r })} data-testid={`interview-schedule-${r.id}`}>
              {r.status === 'scheduled' ? '改期' : '安排'}
            </Button>
            <Button
              type="link"
              disabled={r.status !== 'scheduled'}
              onClick={() => setEditing({ kind: 'close', interview: r })}
              data-testid={`interview-close-${r.id}`}
            >
              记录结果并办结
            </Button>
          </Space>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        crumbs={[
          { title: '专项行动', to: '/campaigns' },
          { title: campaign?.title ?? campaignId, to: `/campaigns/${enc(campaignId)}` },
          { title: '约谈' },
        ]}
        title="约谈"
        extra={
          <Button icon={<ReloadOutlined />} onClick={() => void load()} data-testid="interviews-reload">
            刷新
          </Button>
        }
      />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="interviews-error" />}
      <Card>
        <Table<Interview>
          data-testid="interviews-table"
          rowKey="id"
          loading={loading}
          dataSource={interviews ?? []}
          columns={columns}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          locale={{ emptyText: '暂无约谈记录（逾期升级至约谈时自动生成）' }}
          onRow={(r) => ({ 'data-testid': `interview-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        />
      </Card>
      <InterviewModal
        editing={editing}
        onClose={() => setEditing(null)}
        onDone={(text) => {
          setEditing(null);
          message.success(text);
          void load();
        }}
      />
    </>
  );
}

function InterviewModal({
  editing,
  onClose,
  onDone,
}: {
  editing: { kind: 'schedule' | 'close'; interview: Interview } | null;
  onClose: () => void;
  onDone: (text: string) => void;
}) {
  const [form] = Form.useForm<{ at?: Dayjs; place?: string; conductedBy?: string; outcome?: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!editing) return;
    setError(null);
    form.resetFields();
    const i = editing.interview;
    if (editing.kind === 'schedule')
      form.setFieldsValue({ at: i.scheduledFor ? dayjs(formatInstant(i.scheduledFor)) : undefined, place: i.place ?? undefined, conductedBy: i.conductedBy ?? undefined });
  }, [editing, form]);

  const submit = async () => {
    if (!editing) return;
    const v = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      const id = enc(String(editing.interview.id));
      if (editing.kind === 'schedule') {
        await api(`/api/interviews/${id}/schedule`, {
          json: { at: `${v.at!.format('YYYY-MM-DDTHH:mm')}:00${CHINA_OFFSET}`, place: v.place!.trim(), conductedBy: v.conductedBy!.trim() },
        });
        onDone('已安排约谈');
      } else {
        await api(`/api/interviews/${id}/close`, { json: { outcome: v.outcome!.trim() } });
        onDone('约谈已办结');
      }
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const kind = editing?.kind;
  return (
    <Modal
      title={kind === 'close' ? '记录约谈结果并办结' : '安排约谈'}
      open={editing !== null}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      okText="确定"
      okButtonProps={{ loading: busy, 'data-testid': `interview-${kind}-confirm` } as never}
      destroyOnHidden
    >
      <div data-testid={`interview-${kind}-modal`}>
        {editing && (
          <p style={{ color: 'rgba(0,0,0,.65)' }}>
            {editing.interview.unitName}
            {editing.interview.principal ? ` · 约谈对象：${editing.interview.principal}` : ''}
          </p>
        )}
        <Form form={form} layout="vertical">
          {kind === 'schedule' ? (
            <>
              <Form.Item label="约谈时间" name="at" rules={[{ required: true, message: '请选择约谈时间' }]}>
                <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: 240 }} data-testid="interview-at" />
              </Form.Item>
              <Form.Item label="地点" name="place" rules={[{ required: true, whitespace: true, message: '请填写地点' }]}>
                <Input maxLength={100} data-testid="interview-place" />
              </Form.Item>
              <Form.Item label="约谈人" name="conductedBy" rules={[{ required: true, whitespace: true, message: '请填写约谈人' }]}>
                <Input maxLength={100} placeholder="如：县安委办主任 张某某" data-testid="interview-conducted-by" />
              </Form.Item>
            </>
          ) : (
            <Form.Item label="约谈结果" name="outcome" rules={[{ required: true, whitespace: true, message: '请填写约谈结果' }]}>
              <Input.TextArea rows={4} maxLength={1000} showCount data-testid="interview-outcome" />
            </Form.Item>
          )}
        </Form>
        {error && <Alert type="error" showIcon title={error} data-testid="interview-error" />}
      </div>
    </Modal>
  );
}
