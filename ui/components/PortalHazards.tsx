// The unit's hazards in its portal: those it answers for as 属地 or as 行业主管部门. It reports 整改完成 with photos
// and files, signs a 挂牌督办's 限期整改指令书, asks for more time on a listed hazard, and reports a hazard its own
// 排查 found.
import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, DatePicker, Descriptions, Empty, Form, Input, Pagination, Space, Spin, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../api';
import { LISTING_LEVEL_LABEL } from '../hazardLabels';
import type { HazardDetail, HazardSummary, PortalHazards as PortalHazardsView } from '../hazardTypes';
import { enc } from '../router';
import { FilesPicker } from './FilesPicker';
import { HazardFactsForm } from './HazardFactsForm';
import { EvidenceFiles } from './HazardDrawer';
import { HazardLevelTag, HazardStatusTag } from './HazardTags';

export const PORTAL_HAZARD_PAGE = 20;

export function PortalHazards({ token, view, onPage, onChanged }: { token: string; view: PortalHazardsView; onPage: (page: number) => void; onChanged: () => void }) {
  const [reporting, setReporting] = useState(false);
  return (
    <div data-testid="portal-hazards" style={{ marginTop: 24 }}>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          隐患整改
          <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 400, marginLeft: 8 }}>
            本单位作为{view.unit.type === 'town' ? '属地' : '行业主管部门'}负责的隐患，共 {view.total} 条
          </Typography.Text>
        </Typography.Title>
        {!reporting && (
          <Button icon={<PlusOutlined />} onClick={() => setReporting(true)} data-testid="portal-hazard-new">
            上报排查发现的隐患
          </Button>
        )}
      </Space>
      {reporting && (
        <NewHazardCard
          token={token}
          view={view}
          onDone={() => {
            setReporting(false);
            onChanged();
          }}
          onCancel={() => setReporting(false)}
        />
      )}
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        {view.items.map((h) => (
          <PortalHazardCard key={h.id} token={token} unitId={view.unit.id} summary={h} onChanged={onChanged} />
        ))}
        {view.items.length === 0 && (
          <Card>
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="本单位目前没有登记的隐患" />
          </Card>
        )}
      </Space>
      {view.total > view.pageSize && (
        <Pagination style={{ marginTop: 16, textAlign: 'center' }} current={view.page} pageSize={view.pageSize} total={view.total} showSizeChanger={false} onChange={onPage} />
      )}
    </div>
  );
}

function PortalHazardCard({ token, unitId, summary, onChanged }: { token: string; unitId: string; summary: HazardSummary; onChanged: () => void }) {
  const { message } = App.useApp();
  const id = summary.id;
  const base = `/api/portal/${enc(token)}/hazards/${enc(id)}`;
  const [detail, setDetail] = useState<HazardDetail | null>(null);
  const [done, setDone] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<{ where: string; message: string } | null>(null);
  const [signer, setSigner] = useState('');
  const [extension] = Form.useForm<{ to: Dayjs; reason: string; by: string }>();

  const load = useCallback(async () => {
    try {
      setDetail(await api<HazardDetail>(base, { portal: true }));
    } catch (err) {
      setError({ where: 'load', message: errorMessage(err) });
    }
  }, [base]);
  // again whenever the list says the hazard changed
  useEffect(() => {
    void load();
  }, [load, summary.version]);

  const call = async (where: string, path: string, body: { json?: unknown; form?: FormData }, success: string) => {
    setBusy(where);
    setError(null);
    try {
      setDetail(await api<HazardDetail>(path, { ...body, portal: true }));
      message.success(success);
      onChanged();
      return true;
    } catch (err) {
      setError({ where, message: errorMessage(err) });
      return false;
    } finally {
      setBusy(null);
    }
  };

  const reportDone = async () => {
    if (!done.trim()) return setError({ where: 'done', message: '请写明整改情况（做了什么）' });
    if (files.length === 0) return setError({ where: 'done', message: '请至少上传一个文件（整改前后的照片、整改材料等）' });
    const form = new FormData();
    form.append('done', done.trim());
    for (const f of files) form.append('files', f);
    if (await call('done', `${base}/done`, { form }, '已报告整改完成，请等待验收')) {
      setDone('');
      setFiles([]);
    }
  };

  const s = detail?.summary ?? summary;
  const st = detail?.state;
  const listing = detail?.listings.find((l) => l.status === 'listed');
  const signed = listing?.signatures.find((x) => x.unitId === unitId);
  const pendingRequest = listing?.extensionRequests.find((r) => !r.decision);
  const round = st?.rounds[st.rounds.length - 1];
  const role = s.townId === unitId ? '属地' : '行业主管部门';
  const fileHref = (f: { sha256: string }) => `${base}/files/${enc(f.sha256)}`;
  const err = (where: string) =>
    error?.where === where && <Alert type="error" showIcon title={error.message} style={{ marginTop: 8 }} data-testid={`portal-hazard-error-${id}`} />;

  return (
    <Card
      data-testid={`portal-hazard-${id}`}
      title={
        <Space wrap>
          <span>
            {s.serial}号 · {s.site}
          </span>
          <HazardLevelTag level={s.level} />
          {s.listing?.status === 'listed' && <Tag color="volcano">{LISTING_LEVEL_LABEL[s.listing.level as keyof typeof LISTING_LEVEL_LABEL] ?? ''}挂牌督办</Tag>}
        </Space>
      }
      extra={<HazardStatusTag status={s.status} />}
    >
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2 }}
        items={[
          { key: 'description', label: '隐患描述', children: s.description, span: 2 },
          { key: 'role', label: '本单位', children: role },
          { key: 'other', label: role === '属地' ? '行业主管部门' : '属地', children: role === '属地' ? s.departmentName : s.townName },
          {
            key: 'deadline',
            label: '整改时限',
            children: (
              <>
                {s.deadline}
                {s.overdueWorkingDays > 0 && <Typography.Text type="danger">（已逾期 {s.overdueWorkingDays} 个工作日）</Typography.Text>}
              </>
            ),
          },
          { key: 'responsible', label: '责任人', children: s.responsible },
          ...(st ? [{ key: 'measures', label: '整改措施', children: st.hazard.measures, span: 2 }] : []),
        ]}
      />
      {err('load')}
      {!detail && !error && <Spin size="small" />}

      {round?.report && (
        <div style={{ marginTop: 8 }} data-testid={`portal-hazard-report-${id}`}>
          <Typography.Text type="secondary">
            {round.report.on} 报告整改完成：{round.report.done}
          </Typography.Text>
          <EvidenceFiles files={round.report.files} href={fileHref} />
          {round.acceptance && (
            <div>
              验收：{round.acceptance.result === 'pass' ? '合格，已销号' : `不合格（${round.acceptance.opinion}），请于 ${s.deadline} 前重新整改`}
            </div>
          )}
        </div>
      )}

      {listing && (
        <Alert
          style={{ marginTop: 16 }}
          type={signed ? 'success' : 'warning'}
          showIcon
          title={`${LISTING_LEVEL_LABEL[listing.level]}挂牌督办 ${listing.documentNumber}：限期 ${listing.order.deadline} 前整改完成`}
          description={
            signed ? (
              <span data-testid={`portal-hazard-signed-${id}`}>
                {signed.by} 已于 {signed.on} 签收限期整改指令书
              </span>
            ) : (
              <Space wrap>
                <span>请签收限期整改指令书：</span>
                <Input placeholder="签收人姓名" value={signer} onChange={(e) => setSigner(e.target.value)} style={{ width: 160 }} data-testid={`portal-hazard-signer-${id}`} />
                <Button
                  type="primary"
                  disabled={!signer.trim()}
                  loading={busy === 'sign'}
                  onClick={() => void call('sign', `${base}/sign`, { json: { by: signer.trim() } }, '已签收')}
                  data-testid={`portal-hazard-sign-${id}`}
                >
                  签收
                </Button>
                {err('sign')}
              </Space>
            )
          }
        />
      )}

      {s.status === 'rectifying' && (
        <div style={{ marginTop: 16 }}>
          <Typography.Text strong>报告整改完成</Typography.Text>
          <Input.TextArea
            style={{ marginTop: 8 }}
            rows={3}
            maxLength={2000}
            placeholder="整改情况：做了什么、达到什么效果"
            value={done}
            onChange={(e) => setDone(e.target.value)}
            data-testid={`portal-hazard-done-${id}`}
          />
          <div style={{ marginTop: 8 }}>
            <FilesPicker files={files} onChange={setFiles} testId={`portal-hazard-files-${id}`} label="上传整改照片或材料" />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              至少一个文件：整改前后照片（jpg、png）、整改报告（pdf、doc、docx）等，单个文件不超过 50 MB
            </Typography.Text>
          </div>
          <Button type="primary" style={{ marginTop: 8 }} loading={busy === 'done'} onClick={() => void reportDone()} data-testid={`portal-hazard-submit-${id}`}>
            提交整改完成
          </Button>
          {err('done')}
        </div>
      )}
      {s.status === 'pending' && (
        <Alert
          style={{ marginTop: 16 }}
          type="info"
          showIcon
          title={s.level === 'major' ? '重大隐患须按五到位要求制定治理方案，经安委办登记后开始整改。' : '尚未开始整改：开始整改后，可在此报告整改完成。'}
        />
      )}
      {s.status === 'awaiting_acceptance' && (
        <Alert style={{ marginTop: 16 }} type="info" showIcon title={`已报告整改完成，等待验收${detail?.acceptanceDue ? `（验收期限 ${detail.acceptanceDue}）` : ''}`} />
      )}

      {listing && (s.status === 'pending' || s.status === 'rectifying') && (
        <div style={{ marginTop: 16 }}>
          {pendingRequest ? (
            <Alert type="info" showIcon title={`已申请延期至 ${pendingRequest.to}，等待安委办决定`} data-testid={`portal-hazard-request-${id}`} />
          ) : (
            <>
              <Typography.Text strong>申请延期</Typography.Text>
              <Form
                form={extension}
                layout="inline"
                style={{ marginTop: 8, rowGap: 8 }}
                onFinish={(v) =>
                  void call(
                    'extension',
                    `${base}/request-extension`,
                    { json: { to: v.to.format('YYYY-MM-DD'), reason: v.reason.trim(), by: v.by.trim() } },
                    '延期申请已提交，请等待安委办决定',
                  ).then((ok) => ok && extension.resetFields())
                }
              >
                <Form.Item name="to" rules={[{ required: true, message: '请选择日期' }]}>
                  <DatePicker placeholder="延期至" disabledDate={(d) => d.isBefore(dayjs(s.deadline).add(1, 'day'), 'day')} data-testid={`portal-hazard-extension-date-${id}`} />
                </Form.Item>
                <Form.Item name="reason" rules={[{ required: true, whitespace: true, message: '请填写理由' }]} style={{ minWidth: 220, flex: 1 }}>
                  <Input placeholder="申请理由" maxLength={500} data-testid={`portal-hazard-extension-reason-${id}`} />
                </Form.Item>
                <Form.Item name="by" rules={[{ required: true, whitespace: true, message: '请填写申请人' }]}>
                  <Input placeholder="申请人" maxLength={50} style={{ width: 120 }} data-testid={`portal-hazard-extension-by-${id}`} />
                </Form.Item>
                <Form.Item>
                  <Button htmlType="submit" loading={busy === 'extension'} data-testid={`portal-hazard-extension-submit-${id}`}>
                    提交申请
                  </Button>
                </Form.Item>
              </Form>
              {err('extension')}
            </>
          )}
        </div>
      )}
    </Card>
  );
}

function NewHazardCard({ token, view, onDone, onCancel }: { token: string; view: PortalHazardsView; onDone: () => void; onCancel: () => void }) {
  const { message } = App.useApp();
  const isTown = view.unit.type === 'town';
  return (
    <Card title="上报排查发现的隐患" style={{ marginBottom: 16 }} data-testid="portal-hazard-form">
      <HazardFactsForm
        towns={view.towns}
        departments={view.departments}
        fixed={isTown ? { townId: view.unit.id } : { departmentId: view.unit.id }}
        testId="portal-hazard-form"
        submitLabel="上报"
        onSubmit={async (facts) => {
          await api(`/api/portal/${enc(token)}/hazards`, { portal: true, json: facts });
          message.success('隐患已上报');
          onDone();
        }}
        onCancel={onCancel}
      />
    </Card>
  );
}
