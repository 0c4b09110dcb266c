import { getToken } from './session';

export interface StreamEvent {
  readonly event: string;
  readonly data: unknown;
}

/**
 * Follows a server-sent event stream of the API (read with fetch, so the bearer token goes along;
 * EventSource cannot send it) until `signal` aborts: each event to `onEvent`, `onState(true)` while
 * connected. A stream the server ends is reopened at once; a failure after `retryMs`.
 */
export async function followEvents(url: string, signal: AbortSignal, onEvent: (event: StreamEvent) => void | Promise<void>, onState: (connected: boolean) => void = () => {}, retryMs = 5_000): Promise<void> {
  while (!signal.aborted) {
    try {
      const response = await fetch(url, { headers: { authorization: `Bearer ${getToken() ?? ''}`, accept: 'text/event-stream' }, signal });
      if (!response.ok || !response.body) throw new Error(`events: ${response.status}`);
      onState(true);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (data === undefined) continue;
          await onEvent({ event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message', data: JSON.parse(data) as unknown });
        }
      }
    } catch {
      if (signal.aborted) return;
      onState(false);
      // The server is away or refused: try again a little later; polling still refreshes the page.
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }
}
