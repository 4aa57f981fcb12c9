// 批量延期 / 批量免报 of the selected rows: POST …/bulk, then each row's result.
import { Alert, DatePicker, Form, Input, Modal, Table, Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import type { BoardRow, BulkResponse } from '../../web/api-types';
import { api, errorMessage } from '../api';
import { enc } from '../router';

type Result = BulkResponse['results'][number];

export function BulkActionModal({
  campaignId,
  action,
  rows,
  today,
  onClose,
}: {
  campaignId: string;
  action: 'extend' | 'waive' | null;
  rows: BoardRow[];
  today?: string;
  onClose: (changed: boolean) => void;
}) {
  const [form] = Form.useForm<{ to?: Dayjs; reason: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [results, setResults] = useState<Result[] | null>(null);

  useEffect(() => {
    if (action) {
      setError(null);
      setResults(null);
      form.resetFields();
    }
  }, [action, form]);

  const title = action === 'extend' ? '批量延期' : '批量免报';
  const name = (r: Result) => {
    const row = rows.find((x) => x.unitId === r.unitId && x.deliverableId === r.deliverableId);
    return { unit: row?.unitName ?? r.unitId, deliverable: row?.deliverableName ?? r.deliverableId };
  };

  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      const r = await api<BulkResponse>(`/api/campaigns/${enc(campaignId)}/bulk`, {
        json: {
          action,
          items: rows.map((x) => ({ unitId: x.unitId, deliverableId: x.deliverableId })),
          ...(action === 'extend' && v.to ? { to: v.to.format('YYYY-MM-DD') } : {}),
          reason: v.reason.trim(),
        },
      });
      setResults(r.results);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const ok = results?.filter((r) => r.ok).length ?? 0;
  return (
    <Modal
      title={`${title}（${rows.length} 项）`}
      open={action !== null}
      onCancel={() => onClose(results !== null)}
      onOk={results ? () => onClose(true) : () => void submit().catch(() => undefined)}
      okText={results ? '完成' : `确认${action === 'extend' ? '延期' : '免报'}`}
      cancelButtonProps={results ? { style: { display: 'none' } } : undefined}
      okButtonProps={{ loading: busy, 'data-testid': 'bulk-confirm' } as never}
      width={720}
      destroyOnHidden
    >
      <div data-testid="bulk-modal">
        {results ? (
          <>
            <Alert
              type={ok === results.length ? 'success' : 'warning'}
              showIcon
              style={{ marginBottom: 12 }}
              title={`成功 ${ok} 项，未成功 ${results.length - ok} 项`}
            />
            <Table<Result>
              size="small"
              data-testid="bulk-results"
              rowKey={(r) => `${r.unitId}/${r.deliverableId}`}
              dataSource={results}
              pagination={results.length > 10 ? { pageSize: 10, size: 'small' } : false}
              columns={[
                { title: '单位', render: (_, r) => name(r).unit },
                { title: '报送事项', render: (_, r) => name(r).deliverable },
                {
                  title: '结果',
                  render: (_, r) =>
                    r.ok ? (
                      <Tag color="success">成功</Tag>
                    ) : (
                      <>
                        <Tag color="error">未成功</Tag>
                        {r.error}
                      </>
                    ),
                },
              ]}
            />
          </>
        ) : (
          <Form form={form} layout="vertical">
            {action === 'extend' && (
              <Form.Item label="延期至" name="to" rules={[{ required: true, message: '请选择新的截止日期' }]}>
                <DatePicker
                  style={{ width: 220 }}
                  disabledDate={(d) => d.isBefore(dayjs(today), 'day')}
                  data-testid="bulk-date"
                />
              </Form.Item>
            )}
            <Form.Item label="原因" name="reason" rules={[{ required: true, whitespace: true, message: '请填写原因' }]}>
              <Input.TextArea rows={3} maxLength={500} showCount data-testid="bulk-reason" />
            </Form.Item>
            {error && <Alert type="error" showIcon title={error} data-testid="bulk-error" />}
          </Form>
        )}
      </div>
    </Modal>
  );
}
