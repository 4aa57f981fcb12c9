// A definition's problems with their line and column (行/列), as the API reports them.
import { Alert, Table } from 'antd';
import type { Problem } from '../api';

export function ProblemList({ title, problems }: { title: string; problems: Problem[] }) {
  return (
    <Alert
      type="error"
      showIcon
      title={title}
      data-testid="launch-problems"
      description={
        problems.length > 0 && (
          <Table<Problem & { key: number }>
            size="small"
            style={{ marginTop: 8 }}
            pagination={problems.length > 10 ? { pageSize: 10, size: 'small' } : false}
            dataSource={problems.map((p, i) => ({ ...p, message: p.line ? p.message.replace(/^.*?第\d+行第\d+列[:：]\s*/, '') : p.message, key: i }))}
            columns={[
              { title: '行', dataIndex: 'line', width: 64, render: (v?: number) => v ?? '—' },
              { title: '列', dataIndex: 'column', width: 64, render: (v?: number) => v ?? '—' },
              { title: '问题', dataIndex: 'message' },
            ]}
          />
        )
      }
    />
  );
}
