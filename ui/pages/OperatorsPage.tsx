// 账号管理 (admin only): the operators and a form to add one. A 403 shows 无权访问.
import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Modal, Result, Select, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import type { OperatorRow, Role } from '../../web/api-types';
import { api, ApiFailure, errorMessage } from '../api';
import { PageHeader } from '../components/PageHeader';
import { ROLE_LABEL, formatInstant } from '../labels';

export function OperatorsPage() {
  const { message } = App.useApp();
  const [operators, setOperators] = useState<OperatorRow[] | null>(null);
  const [forbidden, setForbidden] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [adding, setAdding] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const r = await api<{ operators: OperatorRow[] }>('/api/operators');
      setOperators(r.operators);
      setError(null);
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 403) setForbidden(true);
      else setError(errorMessage(err));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  if (forbidden)
    return (
      <Result status="403" title="无权访问" subTitle="账号管理仅限管理员使用。" data-testid="forbidden" />
    );

  return (
    <>
      <PageHeader
        crumbs={[{ title: '系统' }, { title: '账号管理' }]}
        title="账号管理"
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="operator-add">
            添加账号
          </Button>
        }
      />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Card>
        <Table<OperatorRow>
          data-testid="operators-table"
          rowKey="name"
          loading={loading}
          dataSource={operators ?? []}
          pagination={false}
          onRow={(r) => ({ 'data-testid': `operator-${r.name}` }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: '账号', dataIndex: 'name' },
            { title: '姓名', dataIndex: 'displayName', render: (v: string) => v || '—' },
            {
              title: '角色',
              dataIndex: 'role',
              render: (r: Role) => <Tag color={r === 'admin' ? 'red' : r === 'leader' ? 'blue' : 'default'}>{ROLE_LABEL[r] ?? r}</Tag>,
            },
            { title: '创建时间', dataIndex: 'createdAt', render: (v: string) => formatInstant(v) },
          ]}
        />
      </Card>
      <AddOperatorModal
        open={adding}
        onClose={() => setAdding(false)}
        onDone={(name) => {
          setAdding(false);
          message.success(`已添加账号 ${name}`);
          void load();
        }}
      />
    </>
  );
}

function AddOperatorModal({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: (name: string) => void }) {
  const [form] = Form.useForm<{ name: string; displayName?: string; role: Role; password: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (open) {
      form.resetFields();
      setError(null);
    }
  }, [open, form]);

  const submit = async () => {
    const v = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      await api('/api/operators', {
        json: { name: v.name.trim(), displayName: v.displayName?.trim() || undefined, role: v.role, password: v.password },
      });
      onDone(v.name.trim());
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title="添加账号"
      open={open}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      okText="添加"
      okButtonProps={{ loading: busy, 'data-testid': 'operator-confirm' } as never}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ role: 'clerk' }} data-testid="operator-form">
        <Form.Item
          label="账号"
          name="name"
          rules={[{ required: true, whitespace: true, message: '请输入账号' }]}
        >
          <Input autoComplete="off" data-testid="operator-name" />
        </Form.Item>
        <Form.Item label="姓名" name="displayName">
          <Input data-testid="operator-display-name" />
        </Form.Item>
        <Form.Item label="角色" name="role" rules={[{ required: true }]}>
          <Select
            data-testid="operator-role"
            options={(Object.keys(ROLE_LABEL) as Role[]).map((r) => ({ value: r, label: ROLE_LABEL[r] }))}
          />
        </Form.Item>
        <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
          <Input.Password autoComplete="new-password" data-testid="operator-password" />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon title={error} data-testid="operator-error" />}
    </Modal>
  );
}
