// 隐患整改台账: a campaign's hazards — filters, server-side paging, Excel import and export, and the hazard's drawer
// (URL-addressable: /campaigns/:id/hazards/:hazard).
import { BarChartOutlined, DownloadOutlined, PlusOutlined, ProfileOutlined, ReloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Modal, Row, Space, Statistic, Table, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useRef, useState, type HTMLAttributes } from 'react';
import { api, download, errorMessage } from '../api';
import { HazardDrawer } from '../components/HazardDrawer';
import { HazardFactsForm } from '../components/HazardFactsForm';
import { HazardFilters } from '../components/HazardFilters';
import { HazardImportModal } from '../components/HazardImportModal';
import { AwaitingSignOffTag, HazardLevelTag, HazardStatusTag, ListingTag, UnsignedOrderTag } from '../components/HazardTags';
import { PageHeader } from '../components/PageHeader';
import { HAZARD_STATUSES, HAZARD_STATUS_LABEL, type HazardLevel, type HazardStatus } from '../hazardLabels';
import { hazardApiQuery, hazardQueryString, readHazardQuery, type HazardQuery } from '../hazardQuery';
import type { HazardDetail, HazardPage, HazardSummary } from '../hazardTypes';
import { useHazardUnits } from '../hazardUnits';
import { enc, navigate, useLocation } from '../router';

export function HazardsPage({ campaignId, open }: { campaignId: string; open: string | null }) {
  const { message } = App.useApp();
  const { search } = useLocation();
  const query = readHazardQuery(search);
  const qs = hazardQueryString(query);
  const base = `/campaigns/${enc(campaignId)}/hazards`;
  const units = useHazardUnits(campaignId);

  const [ledger, setLedger] = useState<HazardPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [importing, setImporting] = useState(false);
  const [adding, setAdding] = useState(false);
  const [exporting, setExporting] = useState(false);
  const seq = useRef(0);

  const apiQs = hazardApiQuery(query);
  const load = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const page = await api<HazardPage>(`/api/campaigns/${enc(campaignId)}/hazards${apiQs}`);
      if (mine !== seq.current) return;
      setLedger(page);
      setError(null);
    } catch (err) {
      if (mine === seq.current) setError(errorMessage(err));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [campaignId, apiQs]);

  useEffect(() => {
    void load();
  }, [load]);

  const setQuery = (next: Partial<HazardQuery>, resetPage = true) => {
    const merged: HazardQuery = { ...query, ...next };
    if (resetPage && next.page === undefined) merged.page = 1;
    navigate((open ? `${base}/${enc(open)}` : base) + hazardQueryString(merged), { replace: true });
  };

  const exportXlsx = async () => {
    setExporting(true);
    try {
      await download(`/api/campaigns/${enc(campaignId)}/hazards.xlsx${hazardApiQuery(query, false)}`, `${ledger?.title ?? campaignId}隐患整改台账.xlsx`);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setExporting(false);
    }
  };

  const columns: ColumnsType<HazardSummary> = [
    { title: '序号', dataIndex: 'serial', width: 64, fixed: 'left' },
    {
      title: '企业或场所',
      dataIndex: 'site',
      width: 170,
      fixed: 'left',
      render: (v: string) => <Typography.Text strong>{v}</Typography.Text>,
    },
    { title: '属地', dataIndex: 'townName', width: 96 },
    { title: '行业主管部门', dataIndex: 'departmentName', width: 130 },
    {
      title: '隐患描述',
      dataIndex: 'description',
      width: 220,
      render: (v: string) => (
        <Typography.Paragraph ellipsis={{ rows: 2, tooltip: v }} style={{ margin: 0 }}>
          {v}
        </Typography.Paragraph>
      ),
    },
    { title: '等级', dataIndex: 'level', width: 64, render: (v: HazardLevel) => <HazardLevelTag level={v} /> },
    {
      title: '整改时限',
      dataIndex: 'deadline',
      width: 112,
      render: (v: string, r) => (
        <div style={{ whiteSpace: 'nowrap' }}>
          {v}
          {r.originalDeadline && r.originalDeadline !== v && (
            <div>
              <Typography.Text type="secondary" delete style={{ fontSize: 12 }} title="原整改时限">
                原 {r.originalDeadline}
              </Typography.Text>
            </div>
          )}
        </div>
      ),
    },
    {
      title: '状态',
      dataIndex: 'status',
      width: 120,
      render: (v: HazardStatus, r) => (
        <Space orientation="vertical" size={4}>
          <HazardStatusTag status={v} />
          <AwaitingSignOffTag kinds={r.awaitingSignOff} />
        </Space>
      ),
    },
    {
      title: '逾期工作日',
      dataIndex: 'overdueWorkingDays',
      width: 96,
      align: 'right',
      render: (v: number) => (v > 0 ? <span style={{ color: '#cf1322' }}>{v}</span> : '—'),
    },
    {
      title: '挂牌',
      dataIndex: 'listing',
      width: 150,
      render: (v: HazardSummary['listing'], r) => (
        <Space orientation="vertical" size={4}>
          <ListingTag listing={v} />
          <UnsignedOrderTag order={r.unsignedOrder} />
        </Space>
      ),
    },
  ];

  const byStatus = ledger?.byStatus;
  return (
    <>
      <PageHeader
        crumbs={[
          { title: '专项行动', to: '/campaigns' },
          { title: ledger?.title ?? campaignId, to: `/campaigns/${enc(campaignId)}` },
          { title: '隐患整改台账' },
        ]}
        title={
          <>
            {ledger?.title ?? campaignId}
            <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 400, marginLeft: 12 }}>
              隐患整改台账{ledger ? ` · 今天 ${ledger.today}` : ''}
            </Typography.Text>
          </>
        }
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={() => void load()} data-testid="hazards-reload">
              刷新
            </Button>
            <Button icon={<ProfileOutlined />} onClick={() => navigate(`/campaigns/${enc(campaignId)}`)} data-testid="hazards-board">
              报送情况
            </Button>
            <Button icon={<BarChartOutlined />} onClick={() => navigate(`${base}/stats`)} data-testid="hazards-stats">
              统计
            </Button>
            <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="hazards-add">
              登记隐患
            </Button>
            <Button icon={<UploadOutlined />} onClick={() => setImporting(true)} data-testid="hazards-import">
              导入台账
            </Button>
            <Button icon={<DownloadOutlined />} onClick={() => void exportXlsx()} loading={exporting} data-testid="hazards-export">
              导出台账
            </Button>
          </>
        }
      >
        {byStatus && (
          <Row gutter={24} data-testid="hazards-counts">
            <Col>
              <Statistic title="隐患总数" value={HAZARD_STATUSES.reduce((n, s) => n + (byStatus[s] ?? 0), 0)} />
            </Col>
            {HAZARD_STATUSES.map((s) => (
              <Col key={s}>
                <Statistic title={HAZARD_STATUS_LABEL[s]} value={byStatus[s] ?? 0} />
              </Col>
            ))}
          </Row>
        )}
      </PageHeader>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="hazards-error" />}
      <Card style={{ marginBottom: 16 }}>
        <HazardFilters towns={units.towns} departments={units.departments} query={query} onChange={(next) => setQuery(next)} />
      </Card>
      <Card>
        <Table<HazardSummary>
          data-testid="hazards-table"
          rowKey="id"
          size="middle"
          loading={loading}
          dataSource={ledger?.items ?? []}
          columns={columns}
          scroll={{ x: 1220 }}
          rowClassName={() => 'hazard-row'}
          onRow={(r) =>
            ({
              'data-testid': `hazard-row-${r.id}`,
              style: { cursor: 'pointer' },
              onClick: (e: React.MouseEvent) => {
                if ((e.target as HTMLElement).closest('a, button')) return;
                navigate(`${base}/${enc(r.id)}${qs}`);
              },
            }) as HTMLAttributes<HTMLElement>
          }
          onChange={(pagination, _filters, _sorter, extra) => {
            if (extra.action === 'paginate') setQuery({ page: pagination.current ?? 1, pageSize: pagination.pageSize ?? query.pageSize }, false);
          }}
          pagination={{
            current: ledger?.page ?? query.page,
            pageSize: ledger?.pageSize ?? query.pageSize,
            total: ledger?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [20, 50, 100, 200],
            showTotal: (t) => `共 ${t} 条隐患`,
          }}
          locale={{
            emptyText: ledger ? (
              <Tooltip title="可从 Excel 导入现有台账">
                <span>没有符合条件的隐患</span>
              </Tooltip>
            ) : (
              ' '
            ),
          }}
        />
      </Card>
      <HazardImportModal
        campaignId={campaignId}
        open={importing}
        onClose={(imported) => {
          setImporting(false);
          if (imported) void load();
        }}
      />
      <Modal title="登记隐患" open={adding} onCancel={() => setAdding(false)} footer={null} width={760} destroyOnHidden mask={{ closable: false }}>
        <div data-testid="hazard-add-modal">
          <HazardFactsForm
            towns={units.towns}
            departments={units.departments}
            defaultSource="inspection"
            today={ledger?.today}
            testId="hazard-add"
            submitLabel="登记"
            onSubmit={async (facts) => {
              const d = await api<HazardDetail>(`/api/campaigns/${enc(campaignId)}/hazards`, { json: facts });
              message.success(`已登记为 ${d.summary.serial} 号隐患`);
              setAdding(false);
              void load();
              navigate(`${base}/${enc(d.summary.id)}${qs}`);
            }}
            onCancel={() => setAdding(false)}
          />
        </div>
      </Modal>
      <HazardDrawer
        campaignId={campaignId}
        hazardId={open}
        today={ledger?.today}
        onClose={() => navigate(base + qs)}
        onChanged={() => void load()}
      />
    </>
  );
}
