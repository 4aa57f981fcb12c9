// Several files over one native <input type="file" multiple> (browser tests set files on it by its data-testid):
// each chosen file is listed and can be taken off again.
import { CloseOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Space, Typography } from 'antd';
import { useRef } from 'react';
import { formatSize } from '../labels';

export const EVIDENCE_ACCEPT = '.jpg,.jpeg,.png,.pdf,.doc,.docx,.xls,.xlsx,.wps,.et,.zip';

export function FilesPicker({
  files,
  onChange,
  testId,
  accept = EVIDENCE_ACCEPT,
  label = '选择文件',
}: {
  files: File[];
  onChange: (files: File[]) => void;
  testId: string;
  accept?: string;
  label?: string;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div>
      <input
        ref={input}
        type="file"
        multiple
        accept={accept}
        data-testid={testId}
        style={{ display: 'none' }}
        onChange={(e) => {
          const chosen = Array.from(e.target.files ?? []);
          const names = new Set(files.map((f) => f.name));
          onChange([...files, ...chosen.filter((f) => !names.has(f.name))]);
          e.target.value = '';
        }}
      />
      <Button icon={<UploadOutlined />} onClick={() => input.current?.click()}>
        {label}
      </Button>
      {files.length > 0 && (
        <Space orientation="vertical" size={2} style={{ display: 'flex', marginTop: 8 }} data-testid={`${testId}-names`}>
          {files.map((f) => (
            <Typography.Text key={f.name}>
              <PaperClipOutlined /> {f.name}
              <Typography.Text type="secondary"> （{formatSize(f.size)}）</Typography.Text>
              <Button type="text" size="small" icon={<CloseOutlined />} aria-label={`移除 ${f.name}`} onClick={() => onChange(files.filter((x) => x !== f))} />
            </Typography.Text>
          ))}
        </Space>
      )}
    </div>
  );
}
