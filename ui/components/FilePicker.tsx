// A file chooser over a native <input type="file"> (so browser tests can set files on it by its data-testid).
import { PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Space, Typography } from 'antd';
import { useRef } from 'react';
import { formatSize } from '../labels';

export const UPLOAD_ACCEPT = '.pdf,.doc,.docx,.xls,.xlsx,.wps,.et,.zip,.jpg,.jpeg,.png';

export function FilePicker({
  file,
  onChange,
  accept,
  testId,
  label = '选择文件',
  disabled,
}: {
  file: File | null;
  onChange: (f: File | null) => void;
  accept?: string;
  testId: string;
  label?: string;
  disabled?: boolean;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <Space wrap>
      <input
        ref={input}
        type="file"
        accept={accept}
        data-testid={testId}
        style={{ display: 'none' }}
        onChange={(e) => {
          onChange(e.target.files?.[0] ?? null);
          e.target.value = '';
        }}
      />
      <Button icon={<UploadOutlined />} onClick={() => input.current?.click()} disabled={disabled}>
        {label}
      </Button>
      {file && (
        <Typography.Text data-testid={`${testId}-name`}>
          <PaperClipOutlined /> {file.name}
          <Typography.Text type="secondary"> （{formatSize(file.size)}）</Typography.Text>
        </Typography.Text>
      )}
    </Space>
  );
}
