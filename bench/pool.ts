/** Runs `count` calls, `concurrency` at a time, keeping their answers in order; `onProgress` hears of each one done. */
export async function inPool<T>(count: number, concurrency: number, call: (index: number) => Promise<T>, onProgress?: (done: number) => void): Promise<T[]> {
  const answers: T[] = new Array<T>(count);
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        answers[index] = await call(index);
        done += 1;
        onProgress?.(done);
      }
    }),
  );
  return answers;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
