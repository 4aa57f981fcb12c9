// The antd theme: the bundled Noto Sans SC first (government PCs may lack good CJK fonts), then the usual system ones.
import type { ThemeConfig } from 'antd';

export const FONT_FAMILY =
  "'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', 'Hiragino Sans GB', -apple-system, 'Segoe UI', 'Helvetica Neue', Arial, sans-serif";

export const theme: ThemeConfig = {
  token: {
    fontFamily: FONT_FAMILY,
    // Only weights 400 and 500 are bundled.
    fontWeightStrong: 500,
    borderRadius: 4,
    colorPrimary: '#1668dc',
  },
  components: {
    Layout: { siderBg: '#001529', headerBg: '#ffffff', headerPadding: '0 24px', bodyBg: '#f0f2f5' },
    Table: { headerBg: '#fafafa' },
  },
};
