/** Progress on stderr while the bench runs: one rewritten line on a terminal, a line every few seconds otherwise. */

const started = Date.now();
const tty = process.stderr.isTTY;

function elapsed(): string {
  const seconds = Math.round((Date.now() - started) / 1_000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

let open = false;

export function say(message: string): void {
  if (open) process.stderr.write('\n');
  open = false;
  process.stderr.write(`[${elapsed()}] ${message}\n`);
}

/** A callback for a load's progress: "label: 7/15 s, 123 done" (without a count: "label: 7/15 s"). */
export function ticker(label: string, durationMs: number): (done: number | undefined, elapsedMs: number) => void {
  let lastLine = 0;
  return (done, elapsedMs) => {
    const line = `[${elapsed()}]   ${label}: ${Math.round(elapsedMs / 1_000)}/${Math.round(durationMs / 1_000)} s${done === undefined ? '' : `, ${done} done`}`;
    if (tty) {
      process.stderr.write(`\r${line}\x1b[K`);
      open = true;
    } else if (Date.now() - lastLine >= 5_000) {
      lastLine = Date.now();
      process.stderr.write(`${line}\n`);
    }
  };
}

/** A callback for a counted job's progress: "label: 120/2000 done, 14 s" (rewritten on a terminal, every 5 s otherwise). */
export function countTicker(label: string, total: number): (done: number) => void {
  const begin = Date.now();
  let lastLine = 0;
  return (done) => {
    const now = Date.now();
    if (tty ? now - lastLine < 500 : now - lastLine < 5_000) return;
    lastLine = now;
    const line = `[${elapsed()}]   ${label}: ${done}/${total} done, ${Math.round((now - begin) / 1_000)} s`;
    if (tty) {
      process.stderr.write(`\r${line}\x1b[K`);
      open = true;
    } else process.stderr.write(`${line}\n`);
  };
}
