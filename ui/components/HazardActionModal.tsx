// One action on a hazard or its 挂牌督办, with the form its evidence needs: 治理方案 (五到位), 开始整改, 整改完成
// (what was done and files), 验收 (who, when, result, files; a failed one gives the new 时限), 延期, 撤销, 挂牌督办,
// 公告, 延期申请的决定, 摘牌, 撤销挂牌. Test ids: `hazard-<kind>-modal|confirm|error` and `hazard-<kind>-<field>`.
import { Alert, DatePicker, Form, Input, InputNumber, Modal, Radio, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { api, errorMessage } from '../api';
import { LISTING_LEVEL_LABEL, type ListingLevel } from '../hazardLabels';
import type { HazardDetail } from '../hazardTypes';
import { FilesPicker } from './FilesPicker';

export type HazardActionKind =
  | 'plan'
  | 'start'
  | 'report-done'
  | 'accept'
  | 'extend'
  | 'cancel'
  | 'list'
  | 'announce'
  | 'decide-extension'
  | 'delist'
  | 'revoke'
  | 'edit'
  | 'sign';

export const HAZARD_ACTION_TITLE: Record<HazardActionKind, string> = {
  plan: '治理方案（五到位）',
  start: '开始整改',
  'report-done': '整改完成',
  accept: '验收',
  extend: '延期',
  cancel: '撤销隐患',
  list: '挂牌督办',
  announce: '记录公告',
  'decide-extension': '决定挂牌督办延期申请',
  delist: '摘牌',
  revoke: '撤销挂牌',
  edit: '修改隐患信息',
  sign: '登记签收限期整改指令书',
};

export const HAZARD_ACTION_DONE: Record<HazardActionKind, string> = {
  plan: '已记录治理方案',
  start: '已开始整改',
  'report-done': '已记录整改完成',
  accept: '已记录验收',
  extend: '已延期',
  cancel: '已撤销',
  list: '已挂牌督办',
  announce: '已记录公告',
  'decide-extension': '已决定延期申请',
  delist: '已摘牌',
  revoke: '已撤销挂牌',
  edit: '已修改',
  sign: '已登记签收',
};

type Field =
  | { name: string; label: string; type: 'text' | 'textarea'; required?: boolean; extra?: string }
  | { name: string; label: string; type: 'date'; required?: boolean; past?: boolean; extra?: string }
  | { name: string; label: string; type: 'number'; required?: boolean; extra?: string }
  | { name: string; label: string; type: 'select' | 'radio'; options: { value: string; label: string }[]; required?: boolean; extra?: string }
  | { name: string; label: string; type: 'files'; required?: boolean; extra?: string };

const FILES_EXTRA = '可上传照片（jpg、png）、pdf、doc、docx、xls、xlsx、wps、et、zip，可多选';

const FIELDS: Record<HazardActionKind, Field[]> = {
  plan: [
    { name: 'measures', label: '措施到位：整改措施', type: 'textarea', required: true },
    { name: 'responsibility', label: '责任到位：责任单位和责任人', type: 'text', required: true },
    { name: 'fundsWan', label: '资金到位：整改资金（万元）', type: 'number', required: true, extra: '无需资金的管理措施填 0' },
    { name: 'deadline', label: '时限到位：完成时限', type: 'date', required: true, extra: '不得晚于整改时限；整改时限只能经批准延期后推迟' },
    { name: 'contingency', label: '预案到位：应急预案和整改期间的安全措施', type: 'textarea', required: true },
    { name: 'files', label: '方案文件（可选）', type: 'files', extra: FILES_EXTRA },
  ],
  start: [],
  'report-done': [
    { name: 'done', label: '整改情况（做了什么）', type: 'textarea', required: true },
    { name: 'files', label: '整改材料（整改前后照片、整改报告等，至少一个）', type: 'files', required: true, extra: FILES_EXTRA },
  ],
  accept: [
    { name: 'by', label: '验收人', type: 'text', required: true, extra: '整改责任人不能验收自己负责的整改' },
    { name: 'on', label: '验收日期', type: 'date', required: true, past: true },
    {
      name: 'result',
      label: '验收结果',
      type: 'radio',
      required: true,
      options: [
        { value: 'pass', label: '合格（销号）' },
        { value: 'fail', label: '不合格（重新整改）' },
      ],
    },
    { name: 'opinion', label: '验收意见', type: 'textarea' },
    { name: 'files', label: '验收材料（验收记录、现场照片等，至少一个）', type: 'files', required: true, extra: FILES_EXTRA },
  ],
  extend: [
    { name: 'to', label: '新的整改时限', type: 'date', required: true },
    { name: 'reason', label: '延期理由', type: 'textarea', required: true },
  ],
  cancel: [{ name: 'reason', label: '撤销理由', type: 'textarea', required: true, extra: '如：经核实不属于隐患、重复登记' }],
  list: [
    {
      name: 'level',
      label: '挂牌级别',
      type: 'select',
      required: true,
      options: (Object.keys(LISTING_LEVEL_LABEL) as ListingLevel[]).map((l) => ({ value: l, label: LISTING_LEVEL_LABEL[l] })),
    },
    { name: 'documentNumber', label: '文号', type: 'text', required: true, extra: '如：县安委办督〔2026〕1号' },
    { name: 'listedOn', label: '挂牌日期（默认今天）', type: 'date', past: true },
  ],
  announce: [{ name: 'on', label: '公告日期', type: 'date', required: true, past: true }],
  'decide-extension': [
    {
      name: 'approved',
      label: '决定',
      type: 'radio',
      required: true,
      options: [
        { value: 'true', label: '批准延期' },
        { value: 'false', label: '不予批准' },
      ],
    },
    { name: 'reason', label: '意见', type: 'textarea', required: true },
  ],
  delist: [
    { name: 'documentNumber', label: '摘牌文号（可选）', type: 'text' },
    { name: 'opinion', label: '意见（可选）', type: 'textarea' },
  ],
  revoke: [{ name: 'reason', label: '撤销理由', type: 'textarea', required: true }],
  edit: [
    { name: 'site', label: '企业或场所', type: 'text', required: true },
    { name: 'description', label: '隐患描述', type: 'textarea', required: true },
    { name: 'measures', label: '整改措施', type: 'textarea', required: true },
    { name: 'responsible', label: '责任人', type: 'text', required: true },
    { name: 'fundsWan', label: '整改资金（万元）', type: 'number', required: true },
  ],
  sign: [
    { name: 'unitId', label: '签收单位', type: 'select', required: true, options: [] },
    { name: 'by', label: '签收人', type: 'text', required: true },
  ],
};

/** Changes of `edit`: only the fields that differ from what the hazard says. */
function changesOf(body: Record<string, string | boolean>, before: Record<string, string | number> = {}): Record<string, string | number> {
  const changes: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(body)) {
    const value = k === 'fundsWan' ? Number(v) : String(v);
    if (value !== before[k]) changes[k] = value;
  }
  return changes;
}

export const TODAY = 'today';

export interface HazardActionSpec {
  kind: HazardActionKind;
  /** the POST path */
  path: string;
  /** what it is about, shown at the top */
  subject: string;
  /** values to start the form with (dates as YYYY-MM-DD, or TODAY: the campaign's today once known) */
  defaults?: Record<string, string | number>;
  /** a note above the form */
  note?: string;
  /** the hazard's `summary.version` as the operator saw it: a change made since refuses this one (HAZARD_CONFLICT) */
  version?: number;
  /** a select's options when they depend on the hazard (签收单位) */
  options?: Record<string, { value: string; label: string }[]>;
}

type Values = Record<string, string | number | Dayjs | undefined>;

export function HazardActionModal({
  spec,
  today,
  onClose,
  onDone,
}: {
  spec: HazardActionSpec | null;
  today?: string;
  onClose: () => void;
  onDone: (detail: HazardDetail | undefined, kind: HazardActionKind) => void;
}) {
  const [form] = Form.useForm<Values>();
  const [files, setFiles] = useState<File[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const result = Form.useWatch('result', form);

  // The form mounts when the modal opens (destroyOnHidden): it starts from these.
  const initial = useMemo(() => {
    const values: Values = {};
    for (const f of spec ? FIELDS[spec.kind] : []) {
      const v = spec?.defaults?.[f.name];
      if (v === undefined || v === '' || (v === TODAY && !today)) continue;
      values[f.name] = f.type === 'date' ? dayjs(String(v === TODAY ? today : v)) : v;
    }
    return values;
  }, [spec, today]);

  // The campaign's today may come after the form opened: a date defaulting to it is filled in then, if still empty.
  useEffect(() => {
    if (!spec || !today) return;
    for (const f of FIELDS[spec.kind])
      if (spec.defaults?.[f.name] === TODAY && !form.getFieldValue(f.name)) form.setFieldsValue({ [f.name]: dayjs(today) });
  }, [spec, today, form]);

  useEffect(() => {
    if (!spec) return;
    setFiles([]);
    setError(null);
    form.resetFields();
  }, [spec, form]);

  const kind = spec?.kind;
  const fields = kind ? FIELDS[kind] : [];

  const submit = async () => {
    if (!spec || !kind) return;
    const v = await form.validateFields();
    const fileField = fields.find((f) => f.type === 'files');
    if (fileField?.required && files.length === 0) {
      setError(`请选择${fileField.label.replace(/（.*$/, '')}`);
      return;
    }
    const body: Record<string, string | boolean> = {};
    for (const f of fields) {
      const value = v[f.name];
      if (value === undefined || value === null || value === '') continue;
      if (f.type === 'date') body[f.name] = (value as Dayjs).format('YYYY-MM-DD');
      else if (typeof value === 'string') body[f.name] = value.trim();
      else body[f.name] = String(value);
    }
    if (kind === 'decide-extension') body.approved = v.approved === 'true';
    if (kind === 'accept' && v.result === 'fail' && v.newDeadline) body.newDeadline = (v.newDeadline as Dayjs).format('YYYY-MM-DD');
    let json: Record<string, unknown> = body;
    if (kind === 'edit') {
      const changes = changesOf(body, spec.defaults);
      if (Object.keys(changes).length === 0) {
        setError('没有修改任何内容');
        return;
      }
      json = { changes };
    }
    if (spec.version !== undefined) json = { ...json, version: spec.version };
    setBusy(true);
    setError(null);
    try {
      let r: HazardDetail | undefined;
      if (fileField) {
        const form = new FormData();
        for (const [k, value] of Object.entries(body)) form.append(k, String(value));
        if (spec.version !== undefined) form.append('version', String(spec.version));
        for (const f of files) form.append('files', f);
        r = await api<HazardDetail>(spec.path, { form });
      } else r = await api<HazardDetail>(spec.path, { json });
      onDone(r, kind);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const testId = (name: string) => `hazard-${kind}-${name}`;
  const dateLimit = (past?: boolean) => (d: Dayjs) => !!today && (past ? d.isAfter(dayjs(today), 'day') : d.isBefore(dayjs(today), 'day'));

  return (
    <Modal
      title={kind ? HAZARD_ACTION_TITLE[kind] : ''}
      open={spec !== null}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      okText="确定"
      width={640}
      okButtonProps={{ loading: busy, danger: kind === 'cancel' || kind === 'revoke', 'data-testid': testId('confirm') } as never}
      cancelButtonProps={{ 'data-testid': testId('cancel') } as never}
      destroyOnHidden
    >
      <div data-testid={testId('modal')}>
        {spec?.subject && <p style={{ color: 'rgba(0,0,0,.65)' }}>{spec.subject}</p>}
        {spec?.note && <Alert type="info" showIcon title={spec.note} style={{ marginBottom: 16 }} />}
        {kind === 'start' && <p>确认此隐患已开始整改？开始后，整改时限到期前未报告整改完成的，将按督办规则催办。</p>}
        <Form form={form} layout="vertical" initialValues={initial}>
          {fields.map((f) => {
            // `whitespace` only for text: any other key besides `required` makes async-validator expect a string
            const what = f.label.replace(/^.*：/, '').replace(/（.*$/, '');
            const rules = !f.required || f.type === 'files' ? [] : f.type === 'text' || f.type === 'textarea' ? [{ required: true, whitespace: true, message: `请填写${what}` }] : [{ required: true, message: `请填写${what}` }];
            if (f.type === 'files')
              return (
                <Form.Item key={f.name} label={f.label} required={f.required} extra={f.extra}>
                  <FilesPicker files={files} onChange={setFiles} testId={testId('files')} />
                </Form.Item>
              );
            if (f.type === 'date')
              return (
                <Form.Item key={f.name} name={f.name} label={f.label} rules={rules} extra={f.extra}>
                  <DatePicker style={{ width: 220 }} disabledDate={dateLimit(f.past)} data-testid={testId(f.name)} />
                </Form.Item>
              );
            if (f.type === 'number')
              return (
                <Form.Item key={f.name} name={f.name} label={f.label} rules={rules} extra={f.extra}>
                  <InputNumber min={0} step={0.1} style={{ width: 220 }} data-testid={testId(f.name)} />
                </Form.Item>
              );
            if (f.type === 'select')
              return (
                <Form.Item key={f.name} name={f.name} label={f.label} rules={rules}>
                  <Select style={{ width: 220 }} options={spec?.options?.[f.name] ?? f.options} data-testid={testId(f.name)} />
                </Form.Item>
              );
            if (f.type === 'radio')
              return (
                <Form.Item key={f.name} name={f.name} label={f.label} rules={rules}>
                  <Radio.Group data-testid={testId(f.name)}>
                    {f.options.map((o) => (
                      <Radio key={o.value} value={o.value} data-testid={testId(`${f.name}-${o.value}`)}>
                        {o.label}
                      </Radio>
                    ))}
                  </Radio.Group>
                </Form.Item>
              );
            const opinionRequired = kind === 'accept' && f.name === 'opinion' && result === 'fail';
            return (
              <Form.Item
                key={f.name}
                name={f.name}
                label={f.label}
                extra={f.extra}
                rules={opinionRequired ? [{ required: true, whitespace: true, message: '验收不合格须写明验收意见' }] : rules}
              >
                {f.type === 'textarea' ? (
                  <Input.TextArea rows={3} maxLength={2000} showCount data-testid={testId(f.name)} />
                ) : (
                  <Input maxLength={200} data-testid={testId(f.name)} />
                )}
              </Form.Item>
            );
          })}
          {kind === 'accept' && result === 'fail' && (
            <Form.Item name="newDeadline" label="重新整改时限" rules={[{ required: true, message: '验收不合格须给出重新整改的时限' }]}>
              <DatePicker style={{ width: 220 }} disabledDate={dateLimit(false)} data-testid={testId('newDeadline')} />
            </Form.Item>
          )}
        </Form>
        {error && <Alert type="error" showIcon title={error} data-testid={testId('error')} />}
      </div>
    </Modal>
  );
}
