// 导入台账: the office's Excel ledger (.xlsx) into the campaign. All rows or none: a file with any problem imports
// nothing and every problem is listed by 行 and 列.
import { Alert, Button, Form, Modal, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiFailure, errorMessage, formOf, type Problem } from '../api';
import type { HazardImportResult } from '../hazardTypes';
import { enc } from '../router';
import { FilePicker } from './FilePicker';
import { SheetProblems } from './SheetProblems';

export const LEDGER_COLUMNS = '序号、企业或场所、属地、行业主管部门、隐患描述、隐患等级、判定依据、发现日期、来源、整改措施、责任人、整改资金（万元）、整改时限';

export function HazardImportModal({ campaignId, open, onClose }: { campaignId: string; open: boolean; onClose: (imported: boolean) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ message: string; problems: Problem[] } | null>(null);
  const [done, setDone] = useState<HazardImportResult | null>(null);

  const close = () => {
    const imported = !!done && done.created.length > 0;
    setFile(null);
    setFailure(null);
    setDone(null);
    onClose(imported);
  };

  const submit = async () => {
    if (!file) return;
    setBusy(true);
    setFailure(null);
    setDone(null);
    try {
      setDone(await api<HazardImportResult>(`/api/campaigns/${enc(campaignId)}/hazards/import`, { form: formOf({ file }) }));
    } catch (err) {
      setFailure({ message: errorMessage(err), problems: err instanceof ApiFailure ? err.problems : [] });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title="导入隐患整改台账"
      open={open}
      onCancel={close}
      width={860}
      destroyOnHidden
      mask={{ closable: false }}
      footer={
        done
          ? [
              <Button key="ok" type="primary" onClick={close} data-testid="hazard-import-close">
                完成
              </Button>,
            ]
          : [
              <Button key="cancel" onClick={close} data-testid="hazard-import-cancel">
                取消
              </Button>,
              <Button key="go" type="primary" disabled={!file} loading={busy} onClick={() => void submit()} data-testid="hazard-import-confirm">
                导入
              </Button>,
            ]
      }
    >
      <div data-testid="hazard-import-modal">
        <Form layout="vertical">
          <Form.Item
            label="台账文件（.xlsx）"
            required
            extra={
              <>
                第一个工作表，表头含：{LEDGER_COLUMNS}。属地、行业主管部门可写单位名称或编号；日期可为 Excel 日期或 YYYY-MM-DD。
                任何一行有问题，整个文件不导入。
              </>
            }
          >
            <FilePicker
              file={file}
              onChange={(f) => {
                setFile(f);
                setFailure(null);
                setDone(null);
              }}
              accept=".xlsx"
              testId="hazard-import-file"
              label="选择 Excel 文件"
            />
          </Form.Item>
        </Form>
        {failure && (
          <SheetProblems
            testId="hazard-import-problems"
            title={failure.message.split('\n')[0]}
            problems={failure.problems.length ? failure.problems : failure.message.split('\n').slice(1).map((message) => ({ message }))}
          />
        )}
        {done && (
          <Alert
            type="success"
            showIcon
            data-testid="hazard-import-done"
            title={`已导入 ${done.created.length} 条隐患`}
            description={
              <Typography.Text type="secondary">
                共读取 {done.rows} 行{done.unchanged.length > 0 ? `，其中 ${done.unchanged.length} 条已在台账中，未重复导入` : ''}。
              </Typography.Text>
            }
          />
        )}
      </div>
    </Modal>
  );
}
