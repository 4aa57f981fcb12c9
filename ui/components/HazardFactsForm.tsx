// A new hazard's facts, as the 台账 has them: the portal's 上报 (the unit is its own 属地 or 行业主管部门) and the
// console's 登记 (both chosen). Test ids: `<prefix>-site|town|department|description|level|source|found|deadline|
// funds|basis|measures|responsible|submit|error`.
import { Alert, Button, DatePicker, Form, Input, InputNumber, Select, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { errorMessage } from '../api';
import { HAZARD_LEVEL_LABEL, HAZARD_SOURCE_LABEL, type HazardLevel, type HazardSource } from '../hazardLabels';
import type { HazardUnitOption } from '../hazardTypes';

/** The body of POST …/hazards. */
export interface NewHazardFacts {
  site: string;
  townId: string;
  departmentId: string;
  description: string;
  level: HazardLevel;
  basis: string;
  foundOn: string;
  source: HazardSource;
  measures: string;
  responsible: string;
  fundsWan: number;
  deadline: string;
}

interface Values {
  site: string;
  townId?: string;
  departmentId?: string;
  description: string;
  level: HazardLevel;
  basis?: string;
  foundOn: Dayjs;
  source: HazardSource;
  measures: string;
  responsible: string;
  fundsWan?: number;
  deadline: Dayjs;
}

export function HazardFactsForm({
  towns,
  departments,
  fixed,
  defaultSource = 'self_check',
  today,
  testId,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  towns: HazardUnitOption[];
  departments: HazardUnitOption[];
  /** the side the reporting unit is on, not asked */
  fixed?: { townId?: string; departmentId?: string };
  defaultSource?: HazardSource;
  /** the campaign's today: no hazard is found after it */
  today?: string;
  testId: string;
  submitLabel: string;
  /** rejects with the server's refusal, shown above the buttons */
  onSubmit: (facts: NewHazardFacts) => Promise<void>;
  onCancel: () => void;
}) {
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const level = Form.useWatch('level', form);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      await onSubmit({
        site: v.site.trim(),
        townId: fixed?.townId ?? v.townId ?? '',
        departmentId: fixed?.departmentId ?? v.departmentId ?? '',
        description: v.description.trim(),
        level: v.level,
        basis: (v.basis ?? '').trim(),
        foundOn: v.foundOn.format('YYYY-MM-DD'),
        source: v.source,
        measures: v.measures.trim(),
        responsible: v.responsible.trim(),
        fundsWan: v.fundsWan ?? 0,
        deadline: v.deadline.format('YYYY-MM-DD'),
      });
      form.resetFields();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const required = (what: string) => [{ required: true, whitespace: true, message: `请填写${what}` }];
  const unitSelect = (name: 'townId' | 'departmentId', label: string, options: HazardUnitOption[], id: string) => (
    <Form.Item name={name} label={label} rules={[{ required: true, message: `请选择${label}` }]}>
      <Select
        style={{ width: 240 }}
        options={options.map((u) => ({ value: u.id, label: u.name }))}
        showSearch={{ optionFilterProp: 'label' }}
        data-testid={`${testId}-${id}`}
      />
    </Form.Item>
  );
  return (
    <Form form={form} layout="vertical" initialValues={{ level: 'general', source: defaultSource, fundsWan: 0 }} onFinish={(v) => void submit(v)}>
      <Form.Item name="site" label="企业或场所" rules={required('企业或场所')}>
        <Input maxLength={200} data-testid={`${testId}-site`} />
      </Form.Item>
      <Space wrap size="large">
        {!fixed?.townId && unitSelect('townId', '属地', towns, 'town')}
        {!fixed?.departmentId && unitSelect('departmentId', '行业主管部门', departments, 'department')}
      </Space>
      <Form.Item name="description" label="隐患描述" rules={required('隐患描述')}>
        <Input.TextArea rows={2} maxLength={2000} data-testid={`${testId}-description`} />
      </Form.Item>
      <Space wrap size="large">
        <Form.Item name="level" label="隐患等级" rules={[{ required: true }]}>
          <Select
            style={{ width: 120 }}
            options={(Object.keys(HAZARD_LEVEL_LABEL) as HazardLevel[]).map((l) => ({ value: l, label: HAZARD_LEVEL_LABEL[l] }))}
            data-testid={`${testId}-level`}
          />
        </Form.Item>
        <Form.Item name="source" label="来源" rules={[{ required: true }]}>
          <Select
            style={{ width: 120 }}
            options={(Object.keys(HAZARD_SOURCE_LABEL) as HazardSource[]).map((l) => ({ value: l, label: HAZARD_SOURCE_LABEL[l] }))}
            data-testid={`${testId}-source`}
          />
        </Form.Item>
        <Form.Item name="foundOn" label="发现日期" rules={[{ required: true, message: '请选择发现日期' }]}>
          <DatePicker disabledDate={(d) => !!today && d.isAfter(today, 'day')} data-testid={`${testId}-found`} />
        </Form.Item>
        <Form.Item name="deadline" label="整改时限" rules={[{ required: true, message: '请选择整改时限' }]}>
          <DatePicker data-testid={`${testId}-deadline`} />
        </Form.Item>
        <Form.Item name="fundsWan" label="整改资金（万元）">
          <InputNumber min={0} step={0.1} data-testid={`${testId}-funds`} />
        </Form.Item>
      </Space>
      {level === 'major' && (
        <Form.Item name="basis" label="判定依据（符合的重大事故隐患判定标准条款）" rules={required('判定依据')}>
          <Input maxLength={500} data-testid={`${testId}-basis`} />
        </Form.Item>
      )}
      <Form.Item name="measures" label="整改措施" rules={required('整改措施')}>
        <Input.TextArea rows={2} maxLength={2000} data-testid={`${testId}-measures`} />
      </Form.Item>
      <Form.Item name="responsible" label="责任人" rules={required('责任人')}>
        <Input maxLength={50} style={{ width: 200 }} data-testid={`${testId}-responsible`} />
      </Form.Item>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid={`${testId}-error`} />}
      <Space>
        <Button type="primary" htmlType="submit" loading={busy} data-testid={`${testId}-submit`}>
          {submitLabel}
        </Button>
        <Button onClick={onCancel}>取消</Button>
      </Space>
    </Form>
  );
}
