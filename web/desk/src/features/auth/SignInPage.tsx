import { Button, Card, Field, Input, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import { ProblemBar } from '../../components/ProblemBar';
import { signIn } from '../../lib/api-client';

const useStyles = makeStyles({
  page: { minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', padding: '16px', backgroundColor: tokens.colorNeutralBackground2 },
  card: { width: '100%', maxWidth: '380px', padding: '24px' },
  form: { display: 'flex', flexDirection: 'column', gap: '16px' },
  title: { fontSize: tokens.fontSizeBase600, fontWeight: tokens.fontWeightSemibold, margin: 0 },
});

/** POST /auth/token; the token goes to sessionStorage and the app moves on to the user's home page. */
export function SignInPage() {
  const styles = useStyles();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(username, password);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className={styles.page}>
      <Card className={styles.card}>
        <form className={styles.form} onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title">
          <h1 id="sign-in-title" className={styles.title}>
            Sign in to caseflow
          </h1>
          <Text>Agents work their queues here; customers follow their cases.</Text>
          <ProblemBar error={error} />
          <Field label="User name" required>
            <Input value={username} onChange={(_, d) => setUsername(d.value)} autoComplete="username" autoFocus />
          </Field>
          <Field label="Password" required>
            <Input type="password" value={password} onChange={(_, d) => setPassword(d.value)} autoComplete="current-password" />
          </Field>
          <Button appearance="primary" type="submit" disabled={busy || !username || !password}>
            {busy ? 'Signing in…' : 'Sign in'}
          </Button>
        </form>
      </Card>
    </main>
  );
}
