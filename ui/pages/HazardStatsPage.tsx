// 隐患整改统计: the figures by 属地 and by 行业主管部门 for all hazards or those found in a month or quarter, as the
// API computes them (a closed period's as recorded), with the Excel download and 关账 for leaders and admins.
import { DownloadOutlined, LockOutlined, ReloadOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, DatePicker, Segmented, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { api, download, errorMessage } from '../api';
import { PageHeader } from '../components/PageHeader';
import { percent } from '../hazardLabels';
import type { ClosedPeriod, HazardFigures, HazardStatistics, HazardStatsRow } from '../hazardTypes';
import { actorLabel } from '../labels';
import { enc, navigate, useLocation } from '../router';
import { useSession } from '../session';

type Row = HazardFigures & { key: string; unitName: string };

function figureColumns(first: string): ColumnsType<Row> {
  const n = (title: string, key: keyof HazardFigures, width = 76): ColumnsType<Row>[number] => ({ title, dataIndex: key, width, align: 'right' });
  const r = (title: string, key: keyof HazardFigures): ColumnsType<Row>[number] => ({
    title,
    dataIndex: key,
    width: 88,
    align: 'right',
    render: (v: number | null) => percent(v),
  });
  return [
    { title: first, dataIndex: 'unitName', width: 150, fixed: 'left', render: (v: string, row) => (row.key === '__total' ? <Typography.Text strong>{v}</Typography.Text> : v) },
    n('发现隐患', 'found'),
    n('已整改', 'rectified'),
    n('未整改', 'notRectified'),
    {
      title: '超期',
      dataIndex: 'overdue',
      width: 72,
      align: 'right',
      render: (v: number) => (v > 0 ? <span style={{ color: '#cf1322' }}>{v}</span> : v),
    },
    r('整改率', 'rectificationRate'),
    r('按期整改率', 'onTimeRate'),
    n('重大隐患', 'major'),
    n('重大已销号', 'majorClosed', 96),
    r('重大销号率', 'majorClosureRate'),
    n('挂牌督办', 'listed'),
    n('挂牌中', 'listedNow'),
  ];
}

const rowsOf = (rows: HazardStatsRow[], total: HazardFigures): Row[] => [
  ...rows.map((r) => ({ ...r, key: r.unitId })),
  { ...total, key: '__total', unitName: '合计' },
];

type Kind = 'all' | 'month' | 'quarter';

function periodOf(kind: Kind, d: Dayjs | null): string | undefined {
  if (kind === 'all' || !d) return undefined;
  return kind === 'month' ? d.format('YYYY-MM') : `${d.year()}Q${Math.floor(d.month() / 3) + 1}`;
}

function pickerValue(period: string | undefined): { kind: Kind; date: Dayjs | null } {
  if (!period) return { kind: 'all', date: null };
  const q = /^(\d{4})Q([1-4])$/.exec(period);
  if (q) return { kind: 'quarter', date: dayjs(`${q[1]}-${String((Number(q[2]) - 1) * 3 + 1).padStart(2, '0')}-01`) };
  return { kind: 'month', date: dayjs(`${period}-01`) };
}

export function HazardStatsPage({ campaignId }: { campaignId: string }) {
  const { message, modal } = App.useApp();
  const { session } = useSession();
  const { search } = useLocation();
  const period = search.get('period') ?? undefined;
  const base = `/campaigns/${enc(campaignId)}/hazards`;
  const [stats, setStats] = useState<HazardStatistics | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [closing, setClosing] = useState(false);
  const [closedPeriods, setClosedPeriods] = useState<ClosedPeriod[]>([]);
  const picked = pickerValue(period);
  const [kind, setKind] = useState<Kind>(picked.kind);

  const qs = period ? `?period=${enc(period)}` : '';
  const load = useCallback(async () => {
    setLoading(true);
    try {
      setStats(await api<HazardStatistics>(`/api/campaigns/${enc(campaignId)}/hazard-statistics${qs}`));
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoading(false);
    }
  }, [campaignId, qs]);

  useEffect(() => {
    void load();
  }, [load]);

  const loadPeriods = useCallback(async () => {
    try {
      setClosedPeriods((await api<{ periods: ClosedPeriod[] }>(`/api/campaigns/${enc(campaignId)}/hazard-statistics/periods`)).periods);
    } catch {
      // the figures above say what is wrong
    }
  }, [campaignId]);
  useEffect(() => {
    void loadPeriods();
  }, [loadPeriods]);

  const setPeriod = (p: string | undefined) => navigate(`${base}/stats${p ? `?period=${enc(p)}` : ''}`, { replace: true });

  const exportXlsx = async () => {
    try {
      await download(`/api/campaigns/${enc(campaignId)}/hazard-statistics.xlsx${qs}`, `${stats?.title ?? campaignId}隐患整改统计.xlsx`);
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  const leader = session.operator.role === 'leader' || session.operator.role === 'admin';
  const closePeriod = async () => {
    if (!period) return;
    setClosing(true);
    try {
      setStats(await api<HazardStatistics>(`/api/campaigns/${enc(campaignId)}/hazard-statistics/close`, { json: { period } }));
      message.success('已关账：此期间的统计数不再变化');
      void loadPeriods();
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setClosing(false);
    }
  };
  const confirmClose = () =>
    modal.confirm({
      title: `关账：${stats?.periodLabel ?? period}`,
      content: '关账后，此期间的统计数按现在的数字固定，以后不再变化。确定关账？',
      okText: '关账',
      cancelText: '取消',
      okButtonProps: { 'data-testid': 'hazard-stats-close-confirm' } as never,
      onOk: closePeriod,
    });

  return (
    <>
      <PageHeader
        crumbs={[
          { title: '专项行动', to: '/campaigns' },
          { title: stats?.title ?? campaignId, to: `/campaigns/${enc(campaignId)}` },
          { title: '隐患整改台账', to: base },
          { title: '统计' },
        ]}
        title={
          <>
            隐患整改统计
            <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 400, marginLeft: 12 }}>
              {stats ? `${stats.periodLabel} · 截至 ${stats.asOf}` : ''}
            </Typography.Text>
          </>
        }
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={() => void load()} data-testid="hazard-stats-reload">
              刷新
            </Button>
            <Button icon={<UnorderedListOutlined />} onClick={() => navigate(base)} data-testid="hazard-stats-ledger">
              隐患台账
            </Button>
            <Button icon={<DownloadOutlined />} onClick={() => void exportXlsx()} data-testid="hazard-stats-export">
              导出统计表
            </Button>
          </>
        }
      >
        <Space wrap data-testid="hazard-stats-period">
          <Segmented<Kind>
            value={kind}
            options={[
              { value: 'all', label: '全部' },
              { value: 'month', label: '按月' },
              { value: 'quarter', label: '按季度' },
            ]}
            onChange={(k) => {
              setKind(k);
              if (k === 'all') setPeriod(undefined);
            }}
          />
          {kind !== 'all' && (
            <DatePicker
              picker={kind}
              value={picked.kind === kind ? picked.date : null}
              placeholder={kind === 'month' ? '选择月份' : '选择季度'}
              onChange={(d) => setPeriod(periodOf(kind, d))}
              data-testid="hazard-stats-picker"
            />
          )}
          {stats?.closed ? (
            <Tag icon={<LockOutlined />} color="default" data-testid="hazard-stats-closed">
              已关账（{stats.closed.at}，{actorLabel(stats.closed.by)}）：统计数按关账时固定
            </Tag>
          ) : (
            period && (
              <Tooltip title={leader ? '' : '关账须由领导或管理员进行'}>
                <Button icon={<LockOutlined />} disabled={!leader} loading={closing} onClick={confirmClose} data-testid="hazard-stats-close">
                  关账
                </Button>
              </Tooltip>
            )
          )}
        </Space>
        {closedPeriods.length > 0 && (
          <div style={{ marginTop: 12 }} data-testid="hazard-stats-closed-periods">
            <Typography.Text type="secondary">已关账期间：</Typography.Text>
            {closedPeriods.map((p) => (
              <Tag
                key={p.period}
                icon={<LockOutlined />}
                color={p.period === period ? 'blue' : 'default'}
                style={{ cursor: 'pointer' }}
                title={`${p.closedAt} ${actorLabel(p.closedBy)} 关账`}
                onClick={() => {
                  setKind(/Q/.test(p.period) ? 'quarter' : 'month');
                  setPeriod(p.period);
                }}
              >
                {p.label}
              </Tag>
            ))}
          </div>
        )}
      </PageHeader>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="hazard-stats-error" />}
      <Card title="按属地" style={{ marginBottom: 16 }}>
        <Table<Row>
          data-testid="hazard-stats-towns"
          size="small"
          loading={loading}
          pagination={false}
          scroll={{ x: 1080 }}
          dataSource={stats ? rowsOf(stats.byTown, stats.total) : []}
          columns={figureColumns('属地')}
          onRow={(r) => ({ 'data-testid': `hazard-stats-town-${r.key}` }) as never}
        />
      </Card>
      <Card title="按行业主管部门">
        <Table<Row>
          data-testid="hazard-stats-departments"
          size="small"
          loading={loading}
          pagination={false}
          scroll={{ x: 1080 }}
          dataSource={stats ? rowsOf(stats.byDepartment, stats.total) : []}
          columns={figureColumns('行业主管部门')}
          onRow={(r) => ({ 'data-testid': `hazard-stats-department-${r.key}` }) as never}
        />
      </Card>
    </>
  );
}
