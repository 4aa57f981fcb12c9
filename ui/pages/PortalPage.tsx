// The units' portal (/u/:token): no login and no console chrome. The unit sees what it owes, uploads its files and
// asks for more time, and works the hazards it answers for (components/PortalHazards.tsx). A bad or expired link
// shows one full page and nothing else.
import { CheckCircleOutlined, ClockCircleOutlined, FileOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, DatePicker, Descriptions, Form, Input, Layout, Result, Space, Spin, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import type { PortalObligation, PortalView } from '../../web/api-types';
import { api, ApiFailure, errorMessage, formOf } from '../api';
import { FilePicker, UPLOAD_ACCEPT } from '../components/FilePicker';
import { PORTAL_HAZARD_PAGE, PortalHazards } from '../components/PortalHazards';
import type { PortalHazards as PortalHazardsView } from '../hazardTypes';
import { REQUEST_STATUS_LABEL, formatInstant } from '../labels';
import { enc } from '../router';

export function PortalPage({ token }: { token: string }) {
  const [view, setView] = useState<PortalView | null>(null);
  const [fatal, setFatal] = useState<{ status: number; message: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hazards, setHazards] = useState<PortalHazardsView | null>(null);
  const [hazardsError, setHazardsError] = useState<string | null>(null);
  const [hazardPage, setHazardPage] = useState(1);

  const load = useCallback(async () => {
    try {
      setView(await api<PortalView>(`/api/portal/${enc(token)}`, { portal: true }));
      setError(null);
    } catch (err) {
      if (err instanceof ApiFailure && (err.status === 401 || err.status === 410 || err.status === 404)) setFatal({ status: err.status, message: err.message });
      else setError(errorMessage(err));
    }
    try {
      setHazards(await api<PortalHazardsView>(`/api/portal/${enc(token)}/hazards?page=${hazardPage}&pageSize=${PORTAL_HAZARD_PAGE}`, { portal: true }));
      setHazardsError(null);
    } catch (err) {
      // a bad link is said once, by the page above
      setHazardsError(errorMessage(err));
    }
  }, [token, hazardPage]);

  useEffect(() => {
    void load();
  }, [load]);

  if (fatal)
    return (
      <div style={{ minHeight: '100vh', background: '#fff', display: 'flex', alignItems: 'center', justifyContent: 'center' }}>
        <Result
          data-testid="portal-error"
          status={fatal.status === 410 ? 'warning' : 'error'}
          title={fatal.status === 410 ? '链接已过期' : '链接无效'}
          subTitle={
            <>
              <div data-testid="portal-error-message">{fatal.message}</div>
              <div style={{ marginTop: 8 }}>如需报送或申请延期，请联系发文的安委办获取新的链接。</div>
            </>
          }
        />
      </div>
    );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ background: '#1668dc', display: 'flex', alignItems: 'center', padding: '0 24px' }}>
        <Typography.Text style={{ color: '#fff', fontSize: 17, fontWeight: 500 }}>
          {view ? view.campaign.officeName : '安委办'} · 材料报送
        </Typography.Text>
      </Layout.Header>
      <Layout.Content style={{ padding: '24px 16px' }}>
        <div style={{ maxWidth: 880, margin: '0 auto' }} data-testid="portal">
          {error && (
            <Alert
              type="error"
              showIcon
              title={error}
              style={{ marginBottom: 16 }}
              action={<Button onClick={() => void load()}>重试</Button>}
              data-testid="portal-load-error"
            />
          )}
          {!view && !error && (
            <div style={{ textAlign: 'center', padding: 96 }}>
              <Spin size="large" />
            </div>
          )}
          {view && (
            <>
              <Card style={{ marginBottom: 16 }}>
                <Typography.Title level={3} style={{ marginTop: 0 }} data-testid="portal-title">
                  {view.campaign.title}
                </Typography.Title>
                <Descriptions
                  size="small"
                  column={{ xs: 1, sm: 2 }}
                  items={[
                    { key: 'office', label: '发文单位', children: view.campaign.officeName },
                    { key: 'unit', label: '报送单位', children: <span data-testid="portal-unit">{view.unit.name}</span> },
                    { key: 'expires', label: '链接有效期至', children: view.expiresOn },
                  ]}
                />
              </Card>
              <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
                {view.obligations.map((o) => (
                  <PortalObligationCard key={o.deliverableId} token={token} obligation={o} onChanged={() => void load()} />
                ))}
                {view.obligations.length === 0 && <Card>本单位在此行动中没有需要报送的事项。</Card>}
              </Space>
              {hazardsError && <Alert type="error" showIcon title={`隐患整改：${hazardsError}`} style={{ marginTop: 16 }} data-testid="portal-hazards-error" />}
              {hazards && <PortalHazards token={token} view={hazards} onPage={setHazardPage} onChanged={() => void load()} />}
            </>
          )}
        </div>
      </Layout.Content>
      <Layout.Footer style={{ textAlign: 'center', color: 'rgba(0,0,0,.45)' }}>
        本链接仅供本单位使用，请勿转发。报送后如需修改，请联系安委办。
      </Layout.Footer>
    </Layout>
  );
}

function statusTag(o: PortalObligation) {
  if (o.status === 'submitted') return <Tag color="success" icon={<CheckCircleOutlined />}>已报送</Tag>;
  if (o.status === 'waived') return <Tag>免报</Tag>;
  if (o.overdue) return <Tag color="error">已逾期，请尽快报送</Tag>;
  return <Tag color="processing" icon={<ClockCircleOutlined />}>待报送</Tag>;
}

function PortalObligationCard({ token, obligation: o, onChanged }: { token: string; obligation: PortalObligation; onChanged: () => void }) {
  const { message } = App.useApp();
  const [file, setFile] = useState<File | null>(null);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [requestError, setRequestError] = useState<string | null>(null);
  const [form] = Form.useForm<{ to: Dayjs; reason: string }>();
  const base = `/api/portal/${enc(token)}/${enc(o.deliverableId)}`;
  const id = o.deliverableId;

  const upload = async () => {
    if (!file) return;
    setUploading(true);
    setUploadError(null);
    try {
      await api(`${base}/submit`, { form: formOf({ file }), portal: true });
      message.success('报送成功');
      setFile(null);
      onChanged();
    } catch (err) {
      setUploadError(errorMessage(err));
    } finally {
      setUploading(false);
    }
  };

  const ask = async (v: { to: Dayjs; reason: string }) => {
    setAsking(true);
    setRequestError(null);
    try {
      await api(`${base}/extension-request`, { json: { to: v.to.format('YYYY-MM-DD'), reason: v.reason.trim() }, portal: true });
      message.success('延期申请已提交，请等待安委办审批');
      form.resetFields();
      onChanged();
    } catch (err) {
      setRequestError(errorMessage(err));
    } finally {
      setAsking(false);
    }
  };

  const open = o.status === 'open';
  const r = o.request;
  return (
    <Card title={o.name} extra={statusTag(o)} data-testid={`portal-obligation-${id}`}>
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2 }}
        items={[
          { key: 'due', label: '截止时间', children: <span data-testid={`portal-due-${id}`}>{o.due} 24:00 前</span> },
          { key: 'submittedAt', label: '报送时间', children: formatInstant(o.submittedAt) },
        ]}
      />
      {o.files.length > 0 && (
        <div style={{ marginTop: 8 }} data-testid={`portal-files-${id}`}>
          <Typography.Text type="secondary">已报送材料：</Typography.Text>
          {o.files.map((f, i) => (
            <div key={i}>
              <FileOutlined /> {f.name} <Typography.Text type="secondary">（{formatInstant(f.at)}）</Typography.Text>
            </div>
          ))}
        </div>
      )}

      {open && (
        <div style={{ marginTop: 16 }}>
          <Typography.Text strong>上传报送材料</Typography.Text>
          <div style={{ marginTop: 8 }}>
            <Space wrap>
              <FilePicker file={file} onChange={setFile} accept={UPLOAD_ACCEPT} testId={`portal-file-${id}`} />
              <Button type="primary" disabled={!file} loading={uploading} onClick={() => void upload()} data-testid={`portal-submit-${id}`}>
                提交报送
              </Button>
            </Space>
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                可上传 pdf、doc、docx、xls、xlsx、wps、et、zip、jpg、png，单个文件不超过 50 MB
              </Typography.Text>
            </div>
          </div>
          {uploadError && <Alert type="error" showIcon title={uploadError} style={{ marginTop: 8 }} data-testid={`portal-submit-error-${id}`} />}
        </div>
      )}

      {r && (
        <Alert
          style={{ marginTop: 16 }}
          type={r.status === 'pending' ? 'info' : r.status === 'approved' ? 'success' : 'warning'}
          showIcon
          data-testid={`portal-request-${id}`}
          title={`延期申请（至 ${r.requestedTo}）：${REQUEST_STATUS_LABEL[r.status]}`}
          description={
            <>
              <div>申请理由：{r.reason}</div>
              <div>提交时间：{formatInstant(r.requestedAt)}</div>
              {r.status !== 'pending' && (
                <div>
                  审批时间：{formatInstant(r.decidedAt)}
                  {r.decisionNote ? `；意见：${r.decisionNote}` : ''}
                </div>
              )}
            </>
          }
        />
      )}

      {open && (!r || r.status !== 'pending') && (
        <div style={{ marginTop: 16 }}>
          <Typography.Text strong>申请延期</Typography.Text>
          <Form
            form={form}
            layout="inline"
            style={{ marginTop: 8, rowGap: 8 }}
            onFinish={(v) => void ask(v)}
            data-testid={`portal-extension-form-${id}`}
          >
            <Form.Item name="to" rules={[{ required: true, message: '请选择希望延期至的日期' }]}>
              <DatePicker
                placeholder="延期至"
                disabledDate={(d) => d.isBefore(dayjs(o.due).add(1, 'day'), 'day')}
                data-testid={`portal-extension-date-${id}`}
              />
            </Form.Item>
            <Form.Item name="reason" rules={[{ required: true, whitespace: true, message: '请填写申请理由' }]} style={{ flex: 1, minWidth: 240 }}>
              <Input placeholder="申请理由" maxLength={500} data-testid={`portal-extension-reason-${id}`} />
            </Form.Item>
            <Form.Item>
              <Button htmlType="submit" loading={asking} data-testid={`portal-extension-submit-${id}`}>
                提交申请
              </Button>
            </Form.Item>
          </Form>
          {requestError && <Alert type="error" showIcon title={requestError} style={{ marginTop: 8 }} data-testid={`portal-extension-error-${id}`} />}
        </div>
      )}
    </Card>
  );
}
