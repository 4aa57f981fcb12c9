// The ledger's filter bar: 属地, 行业主管部门, 等级, 状态, 逾期, 挂牌, 待签发, 企业或隐患描述.
import { SearchOutlined } from '@ant-design/icons';
import { Button, Checkbox, Form, Input, Select, Tooltip } from 'antd';
import { useEffect, useState } from 'react';
import type { HazardUnitOption } from '../hazardTypes';
import { HAZARD_LEVEL_LABEL, HAZARD_STATUSES, HAZARD_STATUS_LABEL, type HazardLevel } from '../hazardLabels';
import type { HazardFilterKey, HazardQuery } from '../hazardQuery';

const width = { width: 170 };

export function HazardFilters({
  towns,
  departments,
  query,
  onChange,
}: {
  towns: HazardUnitOption[];
  departments: HazardUnitOption[];
  query: HazardQuery;
  onChange: (next: Partial<HazardQuery>) => void;
}) {
  const [q, setQ] = useState(query.q ?? '');
  useEffect(() => setQ(query.q ?? ''), [query.q]);

  const select = (key: 'town' | 'department' | 'level' | 'status', options: { value: string; label: string }[]) => (
    <Select
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      placeholder="全部"
      style={width}
      value={query[key] ?? undefined}
      options={options}
      onChange={(v?: string) => onChange({ [key]: v || undefined })}
      data-testid={`hazard-filter-${key}`}
    />
  );
  const flag = (key: 'overdue' | 'listed' | 'awaitingSignOff', label: string) => (
    <Checkbox checked={!!query[key]} onChange={(e) => onChange({ [key]: e.target.checked ? '1' : undefined })} data-testid={`hazard-filter-${key}`}>
      {label}
    </Checkbox>
  );
  const reset: Record<HazardFilterKey, undefined> = {
    town: undefined,
    department: undefined,
    level: undefined,
    status: undefined,
    overdue: undefined,
    listed: undefined,
    awaitingSignOff: undefined,
    q: undefined,
  };

  return (
    <Form layout="inline" style={{ rowGap: 12 }} data-testid="hazard-filters">
      <Form.Item label="属地">{select('town', towns.map((u) => ({ value: u.id, label: u.name })))}</Form.Item>
      <Form.Item label="行业主管部门">{select('department', departments.map((u) => ({ value: u.id, label: u.name })))}</Form.Item>
      <Form.Item label="等级">
        {select(
          'level',
          (Object.keys(HAZARD_LEVEL_LABEL) as HazardLevel[]).map((l) => ({ value: l, label: HAZARD_LEVEL_LABEL[l] })),
        )}
      </Form.Item>
      <Form.Item label="状态">{select('status', HAZARD_STATUSES.map((s) => ({ value: s, label: HAZARD_STATUS_LABEL[s] })))}</Form.Item>
      <Form.Item>{flag('overdue', '仅看逾期')}</Form.Item>
      <Form.Item>{flag('listed', '仅看挂牌督办')}</Form.Item>
      <Form.Item>
        <Tooltip title="通报或约谈通知已拟好，等待领导签发后才发出">{flag('awaitingSignOff', '仅看待签发')}</Tooltip>
      </Form.Item>
      <Form.Item label="搜索">
        <Input
          allowClear
          placeholder="企业或场所、隐患描述，回车搜索"
          prefix={<SearchOutlined />}
          style={{ width: 260 }}
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            if (!e.target.value && query.q) onChange({ q: undefined });
          }}
          onPressEnter={() => onChange({ q: q.trim() || undefined })}
          onBlur={() => {
            if ((q.trim() || undefined) !== query.q) onChange({ q: q.trim() || undefined });
          }}
          data-testid="hazard-filter-q"
        />
      </Form.Item>
      <Form.Item>
        <Button
          onClick={() => {
            setQ('');
            onChange(reset);
          }}
          data-testid="hazard-filter-reset"
        >
          重置
        </Button>
      </Form.Item>
    </Form>
  );
}
