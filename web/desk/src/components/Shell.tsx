import { Button, makeStyles, Text, tokens } from '@fluentui/react-components';
import { SignOutRegular } from '@fluentui/react-icons';
import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { Me } from '../lib/api-client';
import { Link, usePath } from '../lib/router';
import { setToken } from '../lib/session';

const useStyles = makeStyles({
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: '16px',
    flexWrap: 'wrap',
    padding: '8px 20px',
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
  },
  brand: { fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase500, marginRight: '8px' },
  nav: { display: 'flex', gap: '16px', flexGrow: 1, '& a': { color: tokens.colorNeutralForegroundOnBrand, fontWeight: tokens.fontWeightSemibold } },
  user: { display: 'flex', alignItems: 'center', gap: '8px' },
  signOut: { color: tokens.colorNeutralForegroundOnBrand },
  main: { maxWidth: '1200px', margin: '0 auto', padding: '16px 20px 48px', '@media (max-width: 480px)': { padding: '12px 10px 40px' } },
  skip: { position: 'absolute', left: '-1000px', ':focus': { left: '8px', top: '8px', backgroundColor: tokens.colorNeutralBackground1, padding: '4px 8px', zIndex: 10 } },
});

const ROLE: Record<Me['role'], string> = { customer: 'Customer', agent: 'Agent', supervisor: 'Supervisor', admin: 'Administrator', operator: 'Operator' };

/** The frame of every page: brand, the navigation the user's role has, who is signed in. */
export function Shell({ me, children }: { me: Me; children: ReactNode }) {
  const styles = useStyles();
  const path = usePath();
  const queryClient = useQueryClient();
  const links = me.role === 'customer' ? [{ to: '/portal', label: 'My cases' }] : [{ to: '/inbox', label: 'Inbox' }];
  if (me.role === 'admin') links.push({ to: '/admin/users', label: 'Users' });
  return (
    <>
      <a href="#main" className={styles.skip}>
        Skip to content
      </a>
      <header className={styles.header}>
        <span className={styles.brand}>caseflow {me.role === 'customer' ? 'support' : 'desk'}</span>
        <nav aria-label="Main" className={styles.nav}>
          {links.map((l) => (
            <Link key={l.to} to={l.to} aria-current={path === l.to ? 'page' : undefined}>
              {l.label}
            </Link>
          ))}
        </nav>
        <div className={styles.user}>
          <Text>
            {me.displayName} · {ROLE[me.role]}
          </Text>
          <Button
            appearance="transparent"
            className={styles.signOut}
            icon={<SignOutRegular />}
            onClick={() => {
              queryClient.clear();
              setToken(null);
            }}
          >
            Sign out
          </Button>
        </div>
      </header>
      <main id="main" className={styles.main}>
        {children}
      </main>
    </>
  );
}
