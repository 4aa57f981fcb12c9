// The page header of a back-office page: breadcrumb, title, actions on the right, optional content below.
import { Breadcrumb, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { navigate } from '../router';

export interface Crumb {
  title: string;
  to?: string;
}

export function PageHeader({ crumbs, title, extra, children }: { crumbs?: Crumb[]; title: ReactNode; extra?: ReactNode; children?: ReactNode }) {
  return (
    <div style={{ background: '#fff', margin: '-24px -24px 24px', padding: '16px 24px' }}>
      {crumbs && crumbs.length > 0 && (
        <Breadcrumb
          style={{ marginBottom: 8 }}
          items={crumbs.map((c) => ({
            title: c.to ? (
              <a
                href={c.to}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(c.to!);
                }}
              >
                {c.title}
              </a>
            ) : (
              c.title
            ),
          }))}
        />
      )}
      <Flex justify="space-between" align="center" wrap gap={12}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
        {extra && <Flex gap={8} wrap>{extra}</Flex>}
      </Flex>
      {children && <div style={{ marginTop: 16 }}>{children}</div>}
    </div>
  );
}
