// A spreadsheet's problems as a table of 行 / 列 / 问题, read from the server's lines (第7行 C列（属地）：…).
import { Alert, Table } from 'antd';
import type { Problem } from '../api';

interface Row {
  key: number;
  row: string;
  column: string;
  message: string;
}

const WHERE = /^第(\d+)行(?:\s*([A-Z]+)列(?:（([^）]*)）)?)?[：:]\s*(.*)$/s;

function rowOf(p: Problem, i: number): Row {
  const m = WHERE.exec(p.message);
  if (m) return { key: i, row: m[1], column: m[2] ? `${m[2]}${m[3] ? `（${m[3]}）` : ''}` : '—', message: m[4] };
  return { key: i, row: p.line ? String(p.line) : '—', column: p.column ? String(p.column) : '—', message: p.message };
}

export function SheetProblems({ title, problems, testId }: { title: string; problems: Problem[]; testId: string }) {
  return (
    <Alert
      type="error"
      showIcon
      title={title}
      data-testid={testId}
      description={
        problems.length > 0 && (
          <Table<Row>
            size="small"
            style={{ marginTop: 8 }}
            pagination={problems.length > 10 ? { pageSize: 10, size: 'small' } : false}
            dataSource={problems.map(rowOf)}
            rowClassName={() => 'sheet-problem'}
            columns={[
              { title: '行', dataIndex: 'row', width: 64 },
              { title: '列', dataIndex: 'column', width: 150 },
              { title: '问题', dataIndex: 'message' },
            ]}
          />
        )
      }
    />
  );
}
