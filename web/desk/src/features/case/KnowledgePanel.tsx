import { Button, Card, makeStyles, SearchBox, Text, tokens } from '@fluentui/react-components';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ProblemBar } from '../../components/ProblemBar';
import { Snippet } from '../../components/Snippet';
import { api, unwrap } from '../../lib/api-client';
import { actionParams, useCaseAction } from './case.api';

const useStyles = makeStyles({
  form: { display: 'flex', gap: '8px', alignItems: 'end', flexWrap: 'wrap' },
  heading: { margin: '0 0 8px', fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  hits: { listStyle: 'none', padding: 0, margin: '8px 0 0', display: 'flex', flexDirection: 'column', gap: '8px' },
  hit: { padding: '8px 12px', display: 'flex', flexDirection: 'column', gap: '4px' },
  row: { display: 'flex', gap: '8px', flexWrap: 'wrap' },
  snippet: { color: tokens.colorNeutralForeground2, '& mark': { backgroundColor: tokens.colorPaletteYellowBackground2 } },
});

/** Search the knowledge base (recorded on the case: the Research step), link an article or send it to the customer. */
export function KnowledgePanel({ caseNumber }: { caseNumber: string }) {
  const styles = useStyles();
  const [query, setQuery] = useState('');
  const record = useCaseAction(caseNumber, (key, q: string) => api.POST('/cases/{caseNumber}/knowledge-searches', { params: actionParams(caseNumber, key), body: { query: q } }));
  const search = useMutation({
    mutationFn: async (q: string) => {
      const hits = unwrap(await api.GET('/knowledge/articles', { params: { query: { q, limit: 5 } } }));
      record.mutate(q);
      return hits.items;
    },
  });
  const link = useCaseAction(caseNumber, (key, vars: { articleId: string; sendToCustomer: boolean }) => api.POST('/cases/{caseNumber}/articles', { params: actionParams(caseNumber, key), body: vars }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (query.trim()) search.mutate(query.trim());
  };
  return (
    <section aria-labelledby="knowledge-title">
      <h2 id="knowledge-title" className={styles.heading}>
        Knowledge
      </h2>
      <form className={styles.form} onSubmit={submit} role="search">
        <SearchBox aria-label="Search the knowledge base" value={query} onChange={(_, d) => setQuery(d.value)} placeholder="e.g. printer offline" />
        <Button type="submit" disabled={!query.trim() || search.isPending}>
          Search
        </Button>
      </form>
      <ProblemBar error={search.error ?? link.error} />
      {search.data && search.data.length === 0 && <Text>No article matches.</Text>}
      <ul className={styles.hits}>
        {(search.data ?? []).map((hit) => (
          <li key={hit.id}>
            <Card className={styles.hit}>
              <Text weight="semibold">
                {hit.articleNumber} · {hit.title}
              </Text>
              <Text size={200} className={styles.snippet}>
                <Snippet html={hit.snippet} />
              </Text>
              <div className={styles.row}>
                <Button size="small" onClick={() => link.mutate({ articleId: hit.id, sendToCustomer: false })} disabled={link.isPending}>
                  Link to case
                </Button>
                <Button size="small" appearance="primary" onClick={() => link.mutate({ articleId: hit.id, sendToCustomer: true })} disabled={link.isPending}>
                  Send to customer
                </Button>
              </div>
            </Card>
          </li>
        ))}
      </ul>
    </section>
  );
}
