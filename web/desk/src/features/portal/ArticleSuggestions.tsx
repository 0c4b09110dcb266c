import { Button, Card, makeStyles, Spinner, Text, tokens } from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Snippet } from '../../components/Snippet';
import { api, unwrap } from '../../lib/api-client';

const useStyles = makeStyles({
  box: { display: 'flex', flexDirection: 'column', gap: '8px' },
  heading: { margin: 0, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '8px' },
  hit: { padding: '8px 12px', display: 'flex', flexDirection: 'column', gap: '4px' },
  snippet: { color: tokens.colorNeutralForeground2, '& mark': { backgroundColor: tokens.colorPaletteYellowBackground2 } },
  content: { whiteSpace: 'pre-wrap', margin: 0 },
});

/** The text once the customer has stopped typing for `ms`: one search per pause, not per key. */
function useSettled(text: string, ms: number): string {
  const [settled, setSettled] = useState(text);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(text), ms);
    return () => clearTimeout(timer);
  }, [text, ms]);
  return settled;
}

/** One suggested article: its snippet, and the whole article on demand (counts a view). */
function Suggestion({ hit }: { hit: { articleNumber: string; title: string; snippet: string } }) {
  const styles = useStyles();
  const [open, setOpen] = useState(false);
  const article = useQuery({
    queryKey: ['article', hit.articleNumber],
    queryFn: async () => unwrap(await api.GET('/knowledge/articles/{articleNumber}', { params: { path: { articleNumber: hit.articleNumber } } })),
    enabled: open,
    staleTime: 300_000,
  });
  return (
    <Card className={styles.hit}>
      <Text weight="semibold">{hit.title}</Text>
      {!open && (
        <Text size={200} className={styles.snippet}>
          <Snippet html={hit.snippet} />
        </Text>
      )}
      {open && (article.data ? <p className={styles.content}>{article.data.content}</p> : <Spinner size="tiny" label="Opening the article…" />)}
      <div>
        <Button size="small" appearance="subtle" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide the article' : `Read ${hit.articleNumber}`}
        </Button>
      </div>
    </Card>
  );
}

/**
 * Published articles that match what the customer is typing, so they may solve it before opening a
 * case (as the bot suggests in chat). Shown only once there are words to search with.
 */
export function ArticleSuggestions({ text }: { text: string }) {
  const styles = useStyles();
  const q = useSettled(text.trim(), 350);
  const hits = useQuery({
    queryKey: ['knowledge', 'suggestions', q],
    queryFn: async () => unwrap(await api.GET('/knowledge/articles', { params: { query: { q, limit: 3 } } })).items,
    enabled: q.length >= 3,
    staleTime: 60_000,
  });
  if (q.length < 3 || !hits.data || hits.data.length === 0) return null;
  return (
    <section className={styles.box} aria-labelledby="suggestions-title" aria-live="polite">
      <h3 id="suggestions-title" className={styles.heading}>
        These articles might already answer it
      </h3>
      <ul className={styles.list}>
        {hits.data.map((hit) => (
          <li key={hit.id}>
            <Suggestion hit={hit} />
          </li>
        ))}
      </ul>
    </section>
  );
}
