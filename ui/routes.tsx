// Which page a path shows. The console's pages share the session and the layout; /login and /u/:token stand alone.
import { Result, Button } from 'antd';
import { useEffect, type ReactElement } from 'react';
import { ConsoleShell } from './components/ConsoleShell';
import { BoardPage } from './pages/BoardPage';
import { CampaignsPage } from './pages/CampaignsPage';
import { HazardStatsPage } from './pages/HazardStatsPage';
import { HazardsPage } from './pages/HazardsPage';
import { InterviewsPage } from './pages/InterviewsPage';
import { LoginPage } from './pages/LoginPage';
import { OperatorsPage } from './pages/OperatorsPage';
import { PortalPage } from './pages/PortalPage';
import { matchPath, navigate, useLocation } from './router';

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function NotFound() {
  return (
    <Result
      status="404"
      title="页面不存在"
      subTitle="您访问的页面不存在或已被移除。"
      extra={<Button type="primary" onClick={() => navigate('/campaigns')}>返回专项行动</Button>}
    />
  );
}

export function Routes() {
  const { pathname } = useLocation();
  let m: Record<string, string> | null;

  if ((m = matchPath('/u/:token', pathname))) return <PortalPage token={m.token} />;
  if (pathname === '/login') return <LoginPage />;
  if (pathname === '/' || pathname === '') return <Redirect to="/campaigns" />;

  let page: ReactElement;
  let section = 'campaigns';
  if (pathname === '/campaigns') page = <CampaignsPage />;
  else if ((m = matchPath('/campaigns/:id/interviews', pathname))) page = <InterviewsPage campaignId={m.id} />;
  else if ((m = matchPath('/campaigns/:id/hazards', pathname))) page = <HazardsPage key={m.id} campaignId={m.id} open={null} />;
  else if ((m = matchPath('/campaigns/:id/hazards/stats', pathname))) page = <HazardStatsPage key={m.id} campaignId={m.id} />;
  else if ((m = matchPath('/campaigns/:id/hazards/:hazard', pathname))) page = <HazardsPage key={m.id} campaignId={m.id} open={m.hazard} />;
  else if ((m = matchPath('/campaigns/:id/o/:unit/:deliverable', pathname)))
    page = <BoardPage key={m.id} campaignId={m.id} open={{ unitId: m.unit, deliverableId: m.deliverable }} />;
  else if ((m = matchPath('/campaigns/:id', pathname))) page = <BoardPage key={m.id} campaignId={m.id} open={null} />;
  else if (pathname === '/admin/operators') {
    page = <OperatorsPage />;
    section = 'operators';
  } else page = <NotFound />;
  return <ConsoleShell section={section}>{page}</ConsoleShell>;
}
