// The console's frame: checks the session (no session → /login), then the left menu, the top bar and the page.
import { LogoutOutlined, ProjectOutlined, TeamOutlined, UserOutlined } from '@ant-design/icons';
import { App, Button, Layout, Menu, Space, Spin, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Session } from '../../web/api-types';
import { api, ApiFailure, errorMessage, setCsrfToken } from '../api';
import { ROLE_LABEL } from '../labels';
import { navigate } from '../router';
import { SessionContext } from '../session';

const { Sider, Header, Content } = Layout;

export function ConsoleShell({ section, children }: { section: string; children: ReactNode }) {
  const { message } = App.useApp();
  const [session, setSessionState] = useState<Session | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    api<Session>('/api/session')
      .then((s) => {
        if (!live) return;
        setCsrfToken(s.csrfToken);
        setSessionState(s);
      })
      .catch((err: unknown) => {
        if (!live) return;
        if (err instanceof ApiFailure && err.status === 401) {
          const here = window.location.pathname + window.location.search;
          navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
        } else setFailed(errorMessage(err));
      });
    return () => {
      live = false;
    };
  }, []);

  const ctx = useMemo(
    () =>
      session && {
        session,
        setSession: (s: Session | null) => {
          setCsrfToken(s?.csrfToken ?? null);
          setSessionState(s);
        },
      },
    [session],
  );

  if (failed)
    return (
      <div style={{ padding: 48, textAlign: 'center' }} data-testid="console-error">
        <Typography.Title level={4}>无法加载工作台</Typography.Title>
        <Typography.Paragraph type="danger">{failed}</Typography.Paragraph>
        <Button onClick={() => window.location.reload()}>重新加载</Button>
      </div>
    );
  if (!ctx)
    return (
      <div style={{ padding: 96, textAlign: 'center' }}>
        <Spin size="large" />
      </div>
    );

  const op = ctx.session.operator;
  const items = [
    { key: 'campaigns', icon: <ProjectOutlined />, label: <span data-testid="nav-campaigns">专项行动</span> },
    ...(op.role === 'admin'
      ? [{ key: 'operators', icon: <TeamOutlined />, label: <span data-testid="nav-operators">账号管理</span> }]
      : []),
  ];

  const logout = async () => {
    try {
      await api('/api/logout', { method: 'POST' });
    } catch (err) {
      if (!(err instanceof ApiFailure && err.status === 401)) message.error(errorMessage(err));
    }
    setCsrfToken(null);
    navigate('/login', { replace: true });
  };

  return (
    <SessionContext.Provider value={ctx}>
      <Layout style={{ minHeight: '100vh' }}>
        <Sider width={208} breakpoint="lg" collapsedWidth={64}>
          <div
            style={{ height: 64, display: 'flex', alignItems: 'center', gap: 10, padding: '0 20px', cursor: 'pointer' }}
            onClick={() => navigate('/campaigns')}
          >
            <div
              style={{
                width: 28,
                height: 28,
                borderRadius: 6,
                background: '#1668dc',
                color: '#fff',
                display: 'flex',
                alignItems: 'center',
                justifyContent: 'center',
                fontWeight: 500,
                flex: 'none',
              }}
            >
              督
            </div>
            <span style={{ color: '#fff', fontSize: 17, fontWeight: 500, whiteSpace: 'nowrap', overflow: 'hidden' }}>督办工作台</span>
          </div>
          <Menu
            theme="dark"
            mode="inline"
            selectedKeys={[section]}
            items={items}
            onClick={({ key }) => navigate(key === 'operators' ? '/admin/operators' : '/campaigns')}
          />
        </Sider>
        <Layout>
          <Header
            style={{
              display: 'flex',
              alignItems: 'center',
              justifyContent: 'space-between',
              boxShadow: '0 1px 4px rgba(0,21,41,.08)',
              zIndex: 1,
            }}
          >
            <Typography.Text type="secondary">安全生产委员会办公室 · 专项行动督办</Typography.Text>
            <Space size="middle">
              <span data-testid="current-operator">
                <UserOutlined /> {op.displayName || op.name}
              </span>
              <Tag>{ROLE_LABEL[op.role]}</Tag>
              <Button type="text" icon={<LogoutOutlined />} onClick={() => void logout()} data-testid="logout">
                退出登录
              </Button>
            </Space>
          </Header>
          <Content style={{ padding: 24 }}>{children}</Content>
        </Layout>
      </Layout>
    </SessionContext.Provider>
  );
}
