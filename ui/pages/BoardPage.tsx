// 报送情况: the campaign's board — filters, sort, server-side paging, bulk 延期/免报, export, and the obligation drawer
// (URL-addressable: /campaigns/:id/o/:unit/:deliverable).
import { AlertOutlined, DownloadOutlined, ReloadOutlined, TeamOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Row, Space, Statistic, Table, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useRef, useState, type HTMLAttributes } from 'react';
import type { Board, BoardRow, CampaignSummary, Facets } from '../../web/api-types';
import { api, download, errorMessage } from '../api';
import { boardQueryString, readBoardQuery, type BoardQuery } from '../boardQuery';
import { BoardFilters } from '../components/BoardFilters';
import { BulkActionModal } from '../components/BulkActionModal';
import { ObligationDrawer } from '../components/ObligationDrawer';
import { PageHeader } from '../components/PageHeader';
import { SignOffCard } from '../components/SignOffCard';
import { StandingTag } from '../components/StandingTag';
import { ACTION_LABEL, ESCALATION_LABEL, formatInstant, unitTypeLabel } from '../labels';
import { enc, navigate, useLocation } from '../router';

type CampaignDetail = CampaignSummary & { facets?: Facets };

const rowKey = (r: { unitId: string; deliverableId: string }) => `${r.unitId}\u0000${r.deliverableId}`;

export function BoardPage({ campaignId, open }: { campaignId: string; open: { unitId: string; deliverableId: string } | null }) {
  const { message } = App.useApp();
  const { search } = useLocation();
  const query = readBoardQuery(search);
  const qs = boardQueryString(query);
  const base = `/campaigns/${enc(campaignId)}`;

  const [campaign, setCampaign] = useState<CampaignDetail | null>(null);
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [selected, setSelected] = useState<BoardRow[]>([]);
  const [bulk, setBulk] = useState<'extend' | 'waive' | null>(null);
  const [exporting, setExporting] = useState(false);
  const seq = useRef(0);

  const loadCampaign = useCallback(async () => {
    try {
      setCampaign(await api<CampaignDetail>(`/api/campaigns/${enc(campaignId)}`));
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [campaignId]);

  const apiQs = boardQueryString(query, false);
  const loadBoard = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const b = await api<Board>(`/api/campaigns/${enc(campaignId)}/board${apiQs}`);
      if (mine !== seq.current) return;
      setBoard(b);
      setError(null);
    } catch (err) {
      if (mine === seq.current) setError(errorMessage(err));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [campaignId, apiQs]);

  useEffect(() => {
    void loadCampaign();
  }, [loadCampaign]);
  useEffect(() => {
    void loadBoard();
  }, [loadBoard]);

  const [signOffReload, setSignOffReload] = useState(0);
  const reloadAll = () => {
    void loadBoard();
    void loadCampaign();
    setSignOffReload((n) => n + 1);
  };

  const setQuery = (next: Partial<BoardQuery>, resetPage = true) => {
    const merged: BoardQuery = { ...query, ...next };
    if (resetPage && next.page === undefined) merged.page = 1;
    const path = open ? `${base}/o/${enc(open.unitId)}/${enc(open.deliverableId)}` : base;
    navigate(path + boardQueryString(merged), { replace: true });
  };

  const openRow = (r: BoardRow) => navigate(`${base}/o/${enc(r.unitId)}/${enc(r.deliverableId)}${qs}`);
  const closeDrawer = () => navigate(base + qs);

  const exportXlsx = async () => {
    setExporting(true);
    try {
      await download(`/api/campaigns/${enc(campaignId)}/export.xlsx`, `${campaign?.title ?? campaignId}-报送情况台账.xlsx`);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setExporting(false);
    }
  };

  const downloadProgressReport = async () => {
    try {
      await download(`/api/campaigns/${enc(campaignId)}/progress-report.docx`, `${campaign?.title ?? campaignId}-报送情况通报.docx`);
    } catch (err) {
      message.error(errorMessage(err));
    }
  };

  const facets = board?.facets ?? campaign?.facets;
  const stageName = (id: string) => facets?.stages.find((s) => s.id === id)?.name ?? id;

  const columns: ColumnsType<BoardRow> = [
    {
      title: '单位',
      dataIndex: 'unitName',
      fixed: 'left',
      width: 150,
      render: (v: string, r) => (
        <Typography.Text strong title={r.unitId}>
          {v}
        </Typography.Text>
      ),
    },
    { title: '单位类型', dataIndex: 'unitType', width: 100, render: (v: string) => unitTypeLabel(v) },
    {
      title: '报送事项',
      dataIndex: 'deliverableName',
      width: 210,
      render: (v: string, r) => (
        <div>
          {v}
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {stageName(r.stageId)}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    {
      title: '截止时间',
      dataIndex: 'due',
      width: 108,
      render: (v: string, r) => (
        <div style={{ whiteSpace: 'nowrap' }}>
          {v}
          {r.originalDue && r.originalDue !== v && (
            <div>
              <Typography.Text type="secondary" delete style={{ fontSize: 12 }} title="原截止时间">
                原 {r.originalDue}
              </Typography.Text>
            </div>
          )}
        </div>
      ),
    },
    {
      title: '状态',
      key: 'standing',
      width: 170,
      render: (_, r) => (
        <Tooltip title={r.summary || undefined}>
          <span>
            <StandingTag row={r} />
          </span>
        </Tooltip>
      ),
    },
    { title: '督办等级', dataIndex: 'escalation', width: 100, render: (v: BoardRow['escalation']) => ESCALATION_LABEL[v] ?? v },
    {
      title: '逾期工作日',
      dataIndex: 'lateWorkingDays',
      width: 112,
      align: 'right',
      sorter: true,
      sortDirections: ['descend'],
      sortOrder: query.sort === 'late' ? 'descend' : null,
      render: (v: number | null) =>
        v === null || v === undefined ? '—' : <span style={{ color: v > 0 ? '#cf1322' : undefined }}>{v}</span>,
    },
    { title: '报送时间', dataIndex: 'submittedAt', width: 140, render: (v: string | null) => formatInstant(v) },
    {
      title: '下一步',
      dataIndex: 'nextStep',
      width: 200,
      render: (v: BoardRow['nextStep']) =>
        v ? (
          <span style={{ whiteSpace: 'nowrap' }}>
            {ACTION_LABEL[v.action] ?? v.action}
            <Typography.Text type="secondary"> {formatInstant(v.at)}</Typography.Text>
          </span>
        ) : (
          '—'
        ),
    },
  ];

  const c = campaign?.counts;
  return (
    <>
      <PageHeader
        crumbs={[{ title: '专项行动', to: '/campaigns' }, { title: campaign?.title ?? campaignId }, { title: '报送情况' }]}
        title={
          <>
            {campaign?.title ?? campaignId}
            <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 400, marginLeft: 12 }}>
              报送情况{board ? ` · 今天 ${board.today}` : ''}
            </Typography.Text>
          </>
        }
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={reloadAll} data-testid="board-reload">
              刷新
            </Button>
            <Button icon={<TeamOutlined />} onClick={() => navigate(`${base}/interviews`)} data-testid="board-interviews">
              约谈
            </Button>
            <Button icon={<AlertOutlined />} onClick={() => navigate(`${base}/hazards`)} data-testid="board-hazards">
              隐患台账
            </Button>
            <Button icon={<DownloadOutlined />} onClick={() => void exportXlsx()} loading={exporting} data-testid="board-export">
              导出台账
            </Button>
            <Button icon={<DownloadOutlined />} onClick={() => void downloadProgressReport()} data-testid="board-progress-report">
              报送情况通报
            </Button>
          </>
        }
      >
        {c && (
          <Row gutter={24} data-testid="board-counts">
            {(
              [
                ['应报', c.owed],
                ['已报', c.submitted],
                ['按时', c.onTime],
                ['逾期', c.overdue],
                ['已督办', c.urged],
                ['已通报', c.circulated],
                ['约谈', c.interviewed],
              ] as const
            ).map(([label, n]) => (
              <Col key={label}>
                <Statistic title={label} value={n} />
              </Col>
            ))}
          </Row>
        )}
      </PageHeader>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="board-error" />}
      <SignOffCard campaignId={campaignId} reloadKey={signOffReload} onDecided={() => {
        void loadBoard();
        void loadCampaign();
      }} />
      <Card style={{ marginBottom: 16 }}>
        <BoardFilters facets={facets} query={query} onChange={(next) => setQuery(next)} />
      </Card>
      <Card>
        <Space style={{ marginBottom: 12 }} wrap>
          <Typography.Text type="secondary" data-testid="board-selected">
            已选 {selected.length} 项
          </Typography.Text>
          <Button disabled={selected.length === 0} onClick={() => setBulk('extend')} data-testid="bulk-extend">
            批量延期
          </Button>
          <Button disabled={selected.length === 0} onClick={() => setBulk('waive')} data-testid="bulk-waive">
            批量免报
          </Button>
          {selected.length > 0 && (
            <Button type="link" onClick={() => setSelected([])} data-testid="bulk-clear">
              取消选择
            </Button>
          )}
        </Space>
        <Table<BoardRow>
          data-testid="board-table"
          rowKey={rowKey}
          size="middle"
          loading={loading}
          dataSource={board?.rows ?? []}
          columns={columns}
          scroll={{ x: 1340 }}
          rowClassName={() => 'board-row'}
          rowSelection={{
            selectedRowKeys: selected.map(rowKey),
            preserveSelectedRowKeys: true,
            onChange: (_keys, rows) => {
              // Rows of other pages stay selected (antd passes undefined for them).
              const byKey = new Map(selected.map((r) => [rowKey(r), r]));
              setSelected(_keys.map((k) => rows.find((r) => r && rowKey(r) === k) ?? byKey.get(String(k))).filter((r): r is BoardRow => !!r));
            },
            getCheckboxProps: (r) => ({ 'data-testid': `select-${r.unitId}-${r.deliverableId}` }) as never,
          }}
          onRow={(r) =>
            ({
              'data-testid': `row-${r.unitId}-${r.deliverableId}`,
              onClick: (e: React.MouseEvent) => {
                const t = e.target as HTMLElement;
                if (t.closest('.ant-checkbox-wrapper, .ant-table-selection-column, a, button')) return;
                openRow(r);
              },
            }) as HTMLAttributes<HTMLElement>
          }
          onChange={(pagination, _filters, sorter, extra) => {
            if (extra.action === 'sort') {
              const s = Array.isArray(sorter) ? sorter[0] : sorter;
              setQuery({ sort: s?.order === 'descend' ? 'late' : 'unit' });
            } else if (extra.action === 'paginate') {
              setQuery({ page: pagination.current ?? 1, pageSize: pagination.pageSize ?? query.pageSize }, false);
            }
          }}
          pagination={{
            current: board?.page ?? query.page,
            pageSize: board?.pageSize ?? query.pageSize,
            total: board?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [20, 50, 100, 200],
            showTotal: (t) => `共 ${t} 项`,
          }}
          locale={{ emptyText: board ? '没有符合条件的报送事项' : ' ' }}
        />
      </Card>
      <BulkActionModal
        campaignId={campaignId}
        action={bulk}
        rows={selected}
        today={board?.today}
        onClose={(changed) => {
          setBulk(null);
          if (changed) {
            setSelected([]);
            reloadAll();
          }
        }}
      />
      <ObligationDrawer
        campaignId={campaignId}
        target={open}
        today={board?.today}
        onClose={closeDrawer}
        onChanged={reloadAll}
      />
    </>
  );
}
