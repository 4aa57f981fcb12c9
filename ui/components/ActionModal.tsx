// One action on one obligation or one extension request: 登记报送 (file), 延期 / 退回 (date + reason), 免报 (reason),
// 批准 (optional date), 不予批准 (reason). Test ids: `<kind>-file|date|reason|confirm`, `<kind>-modal`.
import { Alert, DatePicker, Form, Input, Modal } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import type { ActionResponse } from '../../web/api-types';
import { api, errorMessage, formOf } from '../api';
import { FilePicker, UPLOAD_ACCEPT } from './FilePicker';

export type ActionKind = 'submit' | 'extend' | 'return' | 'waive' | 'approve' | 'refuse';

const TITLES: Record<ActionKind, string> = {
  submit: '登记报送',
  extend: '延期',
  return: '退回修改',
  waive: '免报',
  approve: '批准延期申请',
  refuse: '不予批准延期申请',
};

export interface ActionSpec {
  kind: ActionKind;
  /** the POST path */
  path: string;
  /** what it is about, shown at the top */
  subject: string;
  /** a default date (批准: the date asked) */
  defaultDate?: string;
}

export function ActionModal({
  spec,
  today,
  onClose,
  onDone,
}: {
  spec: ActionSpec | null;
  today?: string;
  onClose: () => void;
  onDone: (r: ActionResponse | undefined, kind: ActionKind) => void;
}) {
  const [form] = Form.useForm<{ to?: Dayjs; reason?: string }>();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!spec) return;
    setFile(null);
    setError(null);
    form.resetFields();
    if (spec.defaultDate) form.setFieldsValue({ to: dayjs(spec.defaultDate) });
  }, [spec, form]);

  const kind = spec?.kind;
  const needsDate = kind === 'extend' || kind === 'return' || kind === 'approve';
  const needsReason = kind === 'extend' || kind === 'return' || kind === 'waive' || kind === 'refuse';

  const submit = async () => {
    if (!spec) return;
    const v = await form.validateFields();
    if (kind === 'submit' && !file) {
      setError('请选择要登记的文件');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      let r: ActionResponse | undefined;
      if (kind === 'submit') r = await api<ActionResponse>(spec.path, { form: formOf({ file }) });
      else {
        const body: Record<string, string> = {};
        if (needsDate && v.to) body.to = v.to.format('YYYY-MM-DD');
        if (needsReason && v.reason) body.reason = v.reason.trim();
        r = await api<ActionResponse>(spec.path, { json: body });
      }
      onDone(r, spec.kind);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title={kind ? TITLES[kind] : ''}
      open={spec !== null}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      okText="确定"
      okButtonProps={{ loading: busy, danger: kind === 'waive' || kind === 'refuse', 'data-testid': `${kind}-confirm` } as never}
      cancelButtonProps={{ 'data-testid': `${kind}-cancel` } as never}
      destroyOnHidden
    >
      <div data-testid={`${kind}-modal`}>
        {spec?.subject && <p style={{ color: 'rgba(0,0,0,.65)' }}>{spec.subject}</p>}
        <Form form={form} layout="vertical">
          {kind === 'submit' && (
            <Form.Item label="报送材料" required extra="可接受 pdf、doc、docx、xls、xlsx、wps、et、zip、jpg、png，最大 50 MB">
              <FilePicker file={file} onChange={setFile} accept={UPLOAD_ACCEPT} testId="submit-file" />
            </Form.Item>
          )}
          {needsDate && (
            <Form.Item
              label={kind === 'return' ? '修改后报送截止日期' : kind === 'approve' ? '延期至（默认为申请的日期）' : '延期至'}
              name="to"
              rules={kind === 'approve' ? [] : [{ required: true, message: '请选择日期' }]}
            >
              <DatePicker style={{ width: 220 }} disabledDate={(d) => !!today && d.isBefore(dayjs(today), 'day')} data-testid={`${kind}-date`} />
            </Form.Item>
          )}
          {needsReason && (
            <Form.Item
              label={kind === 'refuse' ? '不予批准的理由' : kind === 'return' ? '退回原因' : '原因'}
              name="reason"
              rules={[{ required: true, whitespace: true, message: '请填写原因' }]}
            >
              <Input.TextArea rows={3} maxLength={500} showCount data-testid={`${kind}-reason`} />
            </Form.Item>
          )}
        </Form>
        {error && <Alert type="error" showIcon title={error} data-testid={`${kind}-error`} />}
      </div>
    </Modal>
  );
}
