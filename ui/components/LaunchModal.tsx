// 发起专项行动: the campaign YAML (and optionally an Excel unit list) → 预览 (the plan, or the problems with 行/列)
// → 确认发起.
import { Alert, Checkbox, Descriptions, Form, Modal, Space, Table, Button, Typography } from 'antd';
import { useState } from 'react';
import type { LaunchResponse, PlanPreviewNotice, PlanResponse } from '../../web/api-types';
import { api, ApiFailure, errorMessage, formOf, type Problem } from '../api';
import { ACTION_LABEL, formatInstant } from '../labels';
import { FilePicker } from './FilePicker';
import { ProblemList } from './ProblemList';

/** The server also says what happened (an already launched campaign starts nothing). */
type Launched = LaunchResponse & { outcome?: 'launched' | 'resumed' | 'already-launched'; message?: string };

export function LaunchModal({ open, onClose, onLaunched }: { open: boolean; onClose: () => void; onLaunched: (id: string) => void }) {
  const [definition, setDefinition] = useState<File | null>(null);
  const [units, setUnits] = useState<File | null>(null);
  const [allowPast, setAllowPast] = useState(false);
  const [plan, setPlan] = useState<PlanResponse | null>(null);
  const [failure, setFailure] = useState<{ message: string; problems: Problem[] } | null>(null);
  const [busy, setBusy] = useState<'plan' | 'launch' | null>(null);
  const [launched, setLaunched] = useState<Launched | null>(null);

  const reset = () => {
    setDefinition(null);
    setUnits(null);
    setAllowPast(false);
    setPlan(null);
    setFailure(null);
    setLaunched(null);
  };
  const close = () => {
    reset();
    onClose();
  };

  const fields = () => formOf({ definition, units, allowPast: allowPast && 'true' });

  const preview = async () => {
    if (!definition) return;
    setBusy('plan');
    setFailure(null);
    setPlan(null);
    try {
      setPlan(await api<PlanResponse>('/api/campaigns/plan', { form: fields() }));
    } catch (err) {
      setFailure({ message: errorMessage(err), problems: err instanceof ApiFailure ? err.problems : [] });
    } finally {
      setBusy(null);
    }
  };

  const launch = async () => {
    setBusy('launch');
    setFailure(null);
    try {
      const r = await api<Launched>('/api/campaigns', { form: fields() });
      if (r.warnings.length > 0 || (r.outcome && r.outcome !== 'launched')) setLaunched(r);
      else {
        reset();
        onLaunched(r.campaignId);
      }
    } catch (err) {
      setFailure({ message: errorMessage(err), problems: err instanceof ApiFailure ? err.problems : [] });
    } finally {
      setBusy(null);
    }
  };

  const footer = launched
    ? [
        <Button
          key="go"
          type="primary"
          data-testid="launch-go"
          onClick={() => {
            const id = launched.campaignId;
            reset();
            onLaunched(id);
          }}
        >
          查看报送情况
        </Button>,
      ]
    : [
        <Button key="cancel" onClick={close} data-testid="launch-cancel">
          取消
        </Button>,
        <Button key="plan" onClick={() => void preview()} disabled={!definition} loading={busy === 'plan'} data-testid="launch-preview">
          预览
        </Button>,
        <Button
          key="launch"
          type="primary"
          onClick={() => void launch()}
          disabled={!plan || busy !== null}
          loading={busy === 'launch'}
          data-testid="launch-confirm"
        >
          确认发起
        </Button>,
      ];

  return (
    <Modal
      title="发起专项行动"
      open={open}
      onCancel={close}
      width={960}
      footer={footer}
      destroyOnHidden
      mask={{ closable: false }}
      data-testid="launch-modal"
    >
      {launched ? (
        <Alert
          type={launched.outcome === 'already-launched' ? 'info' : 'success'}
          showIcon
          data-testid="launch-done"
          title={launched.message ?? `已发起：${launched.obligations} 项报送任务`}
          description={
            launched.warnings.length > 0 && (
              <ul style={{ margin: 0, paddingLeft: 20 }}>
                {launched.warnings.map((w, i) => (
                  <li key={i}>{w}</li>
                ))}
              </ul>
            )
          }
        />
      ) : (
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          <Form layout="horizontal" labelCol={{ flex: '120px' }} style={{ marginBottom: -16 }}>
            <Form.Item label="行动定义" required extra="专项行动定义文件（YAML），格式见 docs/campaign-format.md">
              <FilePicker
                file={definition}
                onChange={(f) => {
                  setDefinition(f);
                  setPlan(null);
                  setFailure(null);
                }}
                accept=".yaml,.yml"
                testId="launch-definition"
                label="选择 YAML 文件"
              />
            </Form.Item>
            <Form.Item label="单位名单" extra="可选：Excel 单位名单（.xlsx），代替定义文件中的单位">
              <FilePicker
                file={units}
                onChange={(f) => {
                  setUnits(f);
                  setPlan(null);
                  setFailure(null);
                }}
                accept=".xlsx"
                testId="launch-units"
                label="选择 Excel 文件"
              />
            </Form.Item>
            <Form.Item label=" " colon={false}>
              <Checkbox checked={allowPast} onChange={(e) => setAllowPast(e.target.checked)} data-testid="launch-allow-past">
                允许发起已过期的行动（演练用）
              </Checkbox>
            </Form.Item>
          </Form>
          {failure &&
            (failure.problems.length > 0 ? (
              <ProblemList title={failure.message} problems={failure.problems} />
            ) : (
              <Alert type="error" showIcon title={failure.message} data-testid="launch-error" />
            ))}
          {plan && <PlanView plan={plan} />}
        </Space>
      )}
    </Modal>
  );
}

function PlanView({ plan }: { plan: PlanResponse }) {
  return (
    <div data-testid="launch-plan">
      <Descriptions
        size="small"
        bordered
        column={2}
        items={[
          { key: 'title', label: '行动名称', children: plan.title, span: 2 },
          { key: 'id', label: '行动编号', children: plan.campaignId, span: 2 },
          { key: 'units', label: '单位数', children: <span data-testid="plan-units">{plan.plan.units}</span> },
          { key: 'obligations', label: '报送任务', children: <span data-testid="plan-obligations">{plan.plan.obligations}</span> },
        ]}
      />
      {plan.warnings.length > 0 && (
        <Alert
          style={{ marginTop: 12 }}
          type="warning"
          showIcon
          title="提示"
          data-testid="launch-warnings"
          description={
            <ul style={{ margin: 0, paddingLeft: 20 }}>
              {plan.warnings.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ul>
          }
        />
      )}
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        若各单位均未报送，将发出的通知（共 {plan.plan.notices.length} 件）
      </Typography.Title>
      <Table<PlanPreviewNotice & { key: number }>
        size="small"
        data-testid="plan-notices"
        dataSource={plan.plan.notices.map((n, i) => ({ ...n, key: i }))}
        pagination={{ pageSize: 10, size: 'small', showSizeChanger: false, showTotal: (t) => `共 ${t} 件` }}
        columns={[
          { title: '时间', dataIndex: 'at', width: 150, render: (v: string) => formatInstant(v) },
          { title: '单位', dataIndex: 'unitName', render: (v: string, n) => v || n.unitId },
          { title: '报送事项', dataIndex: 'deliverableId' },
          { title: '通知', dataIndex: 'action', width: 110, render: (v: string) => ACTION_LABEL[v] ?? v },
          { title: '说明', dataIndex: 'reason', render: (v: string, n) => (v && v !== (ACTION_LABEL[n.action] ?? n.action) ? v : '') },
        ]}
      />
    </div>
  );
}
