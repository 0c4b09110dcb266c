import {
  Badge,
  Button,
  Card,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Select,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import { ProblemBar } from '../../components/ProblemBar';
import type { Me } from '../../lib/api-client';
import { PAGE_SIZE, useChangeUser, useCreateUser, useUsers, type Role, type User } from './users.api';

const useStyles = makeStyles({
  title: { fontSize: tokens.fontSizeBase600, fontWeight: tokens.fontWeightSemibold, margin: '8px 0 16px' },
  layout: { display: 'grid', gridTemplateColumns: 'minmax(0, 3fr) minmax(260px, 1fr)', gap: '16px', alignItems: 'start', '@media (max-width: 900px)': { gridTemplateColumns: 'minmax(0, 1fr)' } },
  card: { padding: '16px', display: 'flex', flexDirection: 'column', gap: '12px', minWidth: 0 },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  filters: { display: 'flex', flexWrap: 'wrap', gap: '8px 12px', alignItems: 'end' },
  tableWrap: { overflowX: 'auto' },
  muted: { color: tokens.colorNeutralForeground3 },
  pager: { display: 'flex', gap: '8px', alignItems: 'center' },
  form: { display: 'flex', flexDirection: 'column', gap: '10px' },
});

const ROLE_WORDS: Record<Role, string> = { customer: 'Customer', agent: 'Agent', supervisor: 'Supervisor', admin: 'Administrator', operator: 'Operator' };
const STAFF_ROLES: readonly Exclude<Role, 'customer'>[] = ['agent', 'supervisor', 'admin', 'operator'];

/** One user's row: role (staff roles change among themselves), enabled or disabled. */
function UserRow({ user, me }: { user: User; me: Me }) {
  const change = useChangeUser();
  const self = user.id === me.userId;
  return (
    <TableRow>
      <TableCell>
        <Text weight="semibold">{user.displayName}</Text>
        <br />
        <Text size={200}>{user.username}</Text>
      </TableCell>
      <TableCell>
        <Text size={200}>{user.email}</Text>
      </TableCell>
      <TableCell>
        {user.role === 'customer' ? (
          ROLE_WORDS.customer
        ) : (
          <Select
            aria-label={`Role of ${user.displayName}`}
            value={user.role}
            disabled={self || change.isPending}
            onChange={(_e, data) => change.mutate({ userId: user.id, change: { role: data.value as Exclude<Role, 'customer'> } })}
          >
            {STAFF_ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_WORDS[r]}
              </option>
            ))}
          </Select>
        )}
      </TableCell>
      <TableCell>
        <Badge appearance="tint" color={user.disabled ? 'danger' : 'success'}>
          {user.disabled ? 'Disabled' : 'Active'}
        </Badge>
      </TableCell>
      <TableCell>
        <Button
          size="small"
          aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.username}`}
          disabled={self || change.isPending}
          onClick={() => change.mutate({ userId: user.id, change: { disabled: !user.disabled } })}
        >
          {user.disabled ? 'Enable' : 'Disable'}
        </Button>
        {change.error ? <ProblemBar error={change.error} /> : null}
      </TableCell>
    </TableRow>
  );
}

/** A new staff user with an initial password (customer users are made from their contact). */
function NewUserCard() {
  const styles = useStyles();
  const create = useCreateUser();
  const [form, setForm] = useState({ username: '', displayName: '', email: '', role: 'agent' as Exclude<Role, 'customer'>, password: '' });
  const set = (field: keyof typeof form) => (_e: unknown, data: { value: string }) => setForm((f) => ({ ...f, [field]: data.value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(form, { onSuccess: () => setForm({ username: '', displayName: '', email: '', role: 'agent', password: '' }) });
  };
  return (
    <Card className={styles.card}>
      <form className={styles.form} onSubmit={submit} aria-labelledby="new-user-title">
        <h2 id="new-user-title" className={styles.h2}>
          Add a staff user
        </h2>
        <Field label="User name" required>
          <Input value={form.username} onChange={set('username')} autoComplete="off" />
        </Field>
        <Field label="Display name" required>
          <Input value={form.displayName} onChange={set('displayName')} autoComplete="off" />
        </Field>
        <Field label="Email" required>
          <Input type="email" value={form.email} onChange={set('email')} autoComplete="off" />
        </Field>
        <Field label="Role" required>
          <Select value={form.role} onChange={set('role')}>
            {STAFF_ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_WORDS[r]}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Initial password" required hint="They sign in with it; at least 12 characters">
          <Input type="password" value={form.password} onChange={set('password')} autoComplete="new-password" />
        </Field>
        <ProblemBar error={create.error} />
        {create.isSuccess && (
          <MessageBar intent="success">
            <MessageBarBody>{create.data.displayName} can sign in now.</MessageBarBody>
          </MessageBar>
        )}
        <Button appearance="primary" type="submit" disabled={create.isPending}>
          {create.isPending ? 'Adding…' : 'Add user'}
        </Button>
      </form>
    </Card>
  );
}

/** Administrators: the users, filtered by words and role; role changes, disabling, new staff users. */
export function UsersPage({ me }: { me: Me }) {
  const styles = useStyles();
  const [q, setQ] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [offset, setOffset] = useState(0);
  const users = useUsers({ q, role, offset });
  const total = users.data?.total ?? 0;
  return (
    <>
      <h1 className={styles.title}>Users</h1>
      <div className={styles.layout}>
        <Card className={styles.card}>
          <div className={styles.filters} role="search">
            <Field label="Find">
              <Input
                value={q}
                placeholder="Name, user name or email"
                onChange={(_e, data) => {
                  setQ(data.value);
                  setOffset(0);
                }}
              />
            </Field>
            <Field label="Role">
              <Select
                value={role}
                onChange={(_e, data) => {
                  setRole(data.value as Role | '');
                  setOffset(0);
                }}
              >
                <option value="">Every role</option>
                {(Object.keys(ROLE_WORDS) as Role[]).map((r) => (
                  <option key={r} value={r}>
                    {ROLE_WORDS[r]}
                  </option>
                ))}
              </Select>
            </Field>
          </div>
          <ProblemBar error={users.error} />
          {users.isPending && <Spinner label="Loading the users…" />}
          <div className={styles.tableWrap}>
            <Table aria-label="Users" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>Name</TableHeaderCell>
                  <TableHeaderCell>Email</TableHeaderCell>
                  <TableHeaderCell>Role</TableHeaderCell>
                  <TableHeaderCell>Status</TableHeaderCell>
                  <TableHeaderCell>Access</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {(users.data?.items ?? []).map((u) => (
                  <UserRow key={u.id} user={u} me={me} />
                ))}
              </TableBody>
            </Table>
          </div>
          <div className={styles.pager}>
            <Button size="small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
              Previous
            </Button>
            <Text size={200} className={styles.muted}>
              {total === 0 ? 'No user matches' : `${offset + 1}–${Math.min(offset + PAGE_SIZE, total)} of ${total}`}
            </Text>
            <Button size="small" disabled={offset + PAGE_SIZE >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>
              Next
            </Button>
          </div>
        </Card>
        <NewUserCard />
      </div>
    </>
  );
}
