// 登录: name and password; the API's own message on failure (wrong password, or throttled with a wait).
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { Session } from '../../web/api-types';
import { api, ApiFailure, errorMessage, setCsrfToken } from '../api';
import { navigate, useLocation } from '../router';

export function LoginPage() {
  const { search } = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [waitUntil, setWaitUntil] = useState<number | null>(null);
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    if (!waitUntil) return;
    const t = setInterval(() => {
      const n = Date.now();
      setNow(n);
      if (n >= waitUntil) setWaitUntil(null);
    }, 500);
    return () => clearInterval(t);
  }, [waitUntil]);

  const next = search.get('next');
  const target = next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/campaigns';

  const submit = async (values: { name: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const s = await api<Session>('/api/login', { json: { name: values.name.trim(), password: values.password } });
      setCsrfToken(s.csrfToken);
      navigate(target, { replace: true });
    } catch (err) {
      setError(errorMessage(err));
      if (err instanceof ApiFailure && err.status === 429 && err.retryAfterSeconds) {
        setWaitUntil(Date.now() + err.retryAfterSeconds * 1000);
        setNow(Date.now());
      }
    } finally {
      setBusy(false);
    }
  };

  const waitSeconds = waitUntil ? Math.max(0, Math.ceil((waitUntil - now) / 1000)) : 0;

  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'center',
        background: 'linear-gradient(180deg, #e6f0ff 0%, #f0f2f5 60%)',
        padding: 16,
      }}
    >
      <div style={{ width: 380, maxWidth: '100%' }}>
        <div style={{ textAlign: 'center', marginBottom: 24 }}>
          <Typography.Title level={2} style={{ marginBottom: 4 }}>
            督办工作台
          </Typography.Title>
          <Typography.Text type="secondary">安全生产委员会办公室 · 专项行动督办平台</Typography.Text>
        </div>
        <Card>
          <Form layout="vertical" onFinish={(v: { name: string; password: string }) => void submit(v)} requiredMark={false}>
            <Form.Item label="账号" name="name" rules={[{ required: true, message: '请输入账号' }]}>
              <Input prefix={<UserOutlined />} placeholder="账号" autoComplete="username" autoFocus data-testid="login-name" />
            </Form.Item>
            <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
              <Input.Password prefix={<LockOutlined />} placeholder="密码" autoComplete="current-password" data-testid="login-password" />
            </Form.Item>
            {error && (
              <Alert
                type="error"
                showIcon
                style={{ marginBottom: 16 }}
                title={error}
                data-testid="login-error"
              />
            )}
            <Button type="primary" htmlType="submit" block loading={busy} disabled={waitSeconds > 0} data-testid="login-submit">
              {waitSeconds > 0 ? `登录（${waitSeconds} 秒后可重试）` : '登录'}
            </Button>
          </Form>
        </Card>
      </div>
    </div>
  );
}
