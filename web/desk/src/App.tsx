import { Spinner } from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { Shell } from './components/Shell';
import { SignInPage } from './features/auth/SignInPage';
import { CasePage } from './features/case/CasePage';
import { CaseHistoryPage } from './features/timeline/CaseHistoryPage';
import { UsersPage } from './features/admin/UsersPage';
import { InboxPage } from './features/inbox/InboxPage';
import { PortalCasePage } from './features/portal/PortalCasePage';
import { PortalHome } from './features/portal/PortalHome';
import { fetchMe, type Me } from './lib/api-client';
import { navigate, usePath } from './lib/router';
import { getToken, subscribeToken } from './lib/session';

const home = (me: Me) => (me.role === 'customer' ? '/portal' : '/inbox');

export function App() {
  const token = useSyncExternalStore(subscribeToken, getToken);
  const path = usePath();
  const me = useQuery({ queryKey: ['me', token], queryFn: fetchMe, enabled: token !== null, staleTime: 60_000 });

  useEffect(() => {
    if (!token && path !== '/sign-in') navigate(`/sign-in`);
    else if (token && me.data && (path === '/' || path === '/sign-in')) navigate(home(me.data));
  }, [token, me.data, path]);

  if (!token) return <SignInPage />;
  if (!me.data) return <Spinner label="Loading your desk…" style={{ marginTop: 80 }} />;
  return <Shell me={me.data}>{page(path, me.data)}</Shell>;
}

function page(path: string, me: Me) {
  const caseNumber = /^\/(?:portal\/)?cases\/([A-Z]+-\d+)$/.exec(path)?.[1];
  if (me.role === 'customer') {
    if (caseNumber) return <PortalCasePage caseNumber={caseNumber} />;
    return <PortalHome me={me} />;
  }
  if (path === '/admin/users' && me.role === 'admin') return <UsersPage me={me} />;
  const historyOf = /^\/cases\/([A-Z]+-\d+)\/history$/.exec(path)?.[1];
  if (historyOf) return <CaseHistoryPage caseNumber={historyOf} />;
  if (caseNumber) return <CasePage caseNumber={caseNumber} me={me} />;
  return <InboxPage me={me} />;
}
