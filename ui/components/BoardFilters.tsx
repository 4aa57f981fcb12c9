// The board's filter bar: 单位类型, 牵头部门, 阶段, 报送事项, 状态, 单位名称, 排序.
import { SearchOutlined } from '@ant-design/icons';
import { Button, Form, Input, Select } from 'antd';
import { useEffect, useState } from 'react';
import type { BoardStatusFilter, Facets } from '../../web/api-types';
import type { BoardQuery } from '../boardQuery';
import { STATUS_FILTER_LABEL, unitTypeLabel } from '../labels';

const width = { width: 180 };

export function BoardFilters({ facets, query, onChange }: { facets?: Facets; query: BoardQuery; onChange: (next: Partial<BoardQuery>) => void }) {
  const [q, setQ] = useState(query.q ?? '');
  useEffect(() => setQ(query.q ?? ''), [query.q]);

  const select = (key: 'unitType' | 'leadDepartment' | 'stage' | 'deliverable' | 'status', placeholder: string, options: { value: string; label: string }[]) => (
    <Select
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      placeholder={placeholder}
      style={width}
      value={query[key] ?? undefined}
      options={options}
      onChange={(v?: string) => onChange({ [key]: v || undefined })}
      data-testid={`filter-${key}`}
    />
  );

  return (
    <Form layout="inline" style={{ rowGap: 12 }} data-testid="board-filters">
      <Form.Item label="单位类型">{select('unitType', '全部', (facets?.unitTypes ?? []).map((t) => ({ value: t, label: unitTypeLabel(t) })))}</Form.Item>
      <Form.Item label="牵头部门">
        {select('leadDepartment', '全部', (facets?.leadDepartments ?? []).map((d) => ({ value: d.id, label: d.name })))}
      </Form.Item>
      <Form.Item label="阶段">{select('stage', '全部', (facets?.stages ?? []).map((s) => ({ value: s.id, label: s.name })))}</Form.Item>
      <Form.Item label="报送事项">
        {select('deliverable', '全部', (facets?.deliverables ?? []).map((d) => ({ value: d.id, label: d.name })))}
      </Form.Item>
      <Form.Item label="状态">
        {select(
          'status',
          '全部',
          (Object.keys(STATUS_FILTER_LABEL) as BoardStatusFilter[]).map((s) => ({ value: s, label: STATUS_FILTER_LABEL[s] })),
        )}
      </Form.Item>
      <Form.Item label="单位名称">
        <Input
          allowClear
          placeholder="输入后按回车"
          prefix={<SearchOutlined />}
          style={width}
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            if (!e.target.value && query.q) onChange({ q: undefined });
          }}
          onPressEnter={() => onChange({ q: q.trim() || undefined })}
          onBlur={() => {
            if ((q.trim() || undefined) !== query.q) onChange({ q: q.trim() || undefined });
          }}
          data-testid="filter-q"
        />
      </Form.Item>
      <Form.Item label="排序">
        <Select
          style={{ width: 160 }}
          value={query.sort === 'late' ? 'late' : 'unit'}
          options={[
            { value: 'unit', label: '按单位' },
            { value: 'late', label: '按逾期工作日' },
          ]}
          onChange={(v: 'unit' | 'late') => onChange({ sort: v })}
          data-testid="filter-sort"
        />
      </Form.Item>
      <Form.Item>
        <Button
          onClick={() => {
            setQ('');
            onChange({ unitType: undefined, leadDepartment: undefined, stage: undefined, deliverable: undefined, status: undefined, q: undefined, sort: 'unit' });
          }}
          data-testid="filter-reset"
        >
          重置
        </Button>
      </Form.Item>
    </Form>
  );
}
