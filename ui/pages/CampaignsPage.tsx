// 专项行动: every campaign with its counts; 发起专项行动 opens the launch modal.
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useState } from 'react';
import type { CampaignSummary } from '../../web/api-types';
import { api, errorMessage } from '../api';
import { LaunchModal } from '../components/LaunchModal';
import { PageHeader } from '../components/PageHeader';
import { actorLabel, formatInstant } from '../labels';
import { enc, navigate } from '../router';

function count(n: number, colour?: string) {
  return <span style={{ color: n > 0 ? colour : undefined, fontVariantNumeric: 'tabular-nums' }}>{n}</span>;
}

export function CampaignsPage() {
  const [campaigns, setCampaigns] = useState<CampaignSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [launching, setLaunching] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const r = await api<{ campaigns: CampaignSummary[] }>('/api/campaigns');
      setCampaigns(r.campaigns);
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const columns: ColumnsType<CampaignSummary> = [
    {
      title: '专项行动',
      dataIndex: 'title',
      render: (title: string, c) => (
        <div>
          <Typography.Link
            href={`/campaigns/${enc(c.id)}`}
            onClick={(e) => {
              e.preventDefault();
              e.stopPropagation();
              navigate(`/campaigns/${enc(c.id)}`);
            }}
          >
            {title}
          </Typography.Link>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {c.id}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    { title: '发文单位', dataIndex: 'officeName' },
    {
      title: '发起',
      key: 'launched',
      render: (_, c) => (
        <div style={{ whiteSpace: 'nowrap' }}>
          {formatInstant(c.launchedAt)}
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {actorLabel(c.launchedBy)}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    { title: '应报', align: 'right', render: (_, c) => count(c.counts.owed) },
    { title: '已报', align: 'right', render: (_, c) => count(c.counts.submitted) },
    { title: '按时', align: 'right', render: (_, c) => count(c.counts.onTime, '#389e0d') },
    { title: '逾期', align: 'right', render: (_, c) => count(c.counts.overdue, '#cf1322') },
    { title: '已督办', align: 'right', render: (_, c) => count(c.counts.urged, '#d4380d') },
    { title: '已通报', align: 'right', render: (_, c) => count(c.counts.circulated, '#cf1322') },
    { title: '约谈', align: 'right', render: (_, c) => count(c.counts.interviewed, '#820014') },
  ];

  return (
    <>
      <PageHeader
        crumbs={[{ title: '工作台' }, { title: '专项行动' }]}
        title="专项行动"
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={() => void load()} data-testid="campaigns-reload">
              刷新
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setLaunching(true)} data-testid="launch-open">
              发起专项行动
            </Button>
          </>
        }
      />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="campaigns-error" />}
      <Card>
        <Table<CampaignSummary>
          data-testid="campaigns-table"
          rowKey="id"
          loading={loading && !campaigns}
          dataSource={campaigns ?? []}
          columns={columns}
          pagination={false}
          locale={{ emptyText: '尚无专项行动，点击“发起专项行动”上传行动定义' }}
          onRow={(c) =>
            ({
              'data-testid': `campaign-${c.id}`,
              style: { cursor: 'pointer' },
              onClick: () => navigate(`/campaigns/${enc(c.id)}`),
            }) as React.HTMLAttributes<HTMLElement>
          }
        />
      </Card>
      <LaunchModal
        open={launching}
        onClose={() => setLaunching(false)}
        onLaunched={(id) => {
          setLaunching(false);
          navigate(`/campaigns/${enc(id)}`);
        }}
      />
    </>
  );
}
