import type { ReactNode } from 'react';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'" };
const unescape = (text: string) => text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (e) => ENTITIES[e] ?? e);

/** The server's search snippet (escaped text with <mark> around the matches) as React nodes: no raw HTML injected. */
export function Snippet({ html }: { html: string }): ReactNode {
  return html.split(/(<mark>.*?<\/mark>)/g).map((part, i) => {
    const marked = /^<mark>(.*)<\/mark>$/.exec(part);
    return marked ? <mark key={i}>{unescape(marked[1] ?? '')}</mark> : <span key={i}>{unescape(part)}</span>;
  });
}
