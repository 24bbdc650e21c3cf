/** Progress on stderr, only when it is a terminal: one line rewritten in place, at most 10 times a second. */
export function makeProgress(label: string): { update: (fraction: number, stage: string) => void; done: () => void } {
  if (!process.stderr.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let shown = false;
  const width = () => Math.max(20, (process.stderr.columns || 80) - 1);
  return {
    update(fraction, stage) {
      const now = performance.now();
      if (now - last < 100 && fraction < 1) return;
      last = now;
      shown = true;
      const line = `${label} ${String(Math.round(fraction * 100)).padStart(3)}%  ${stage}`;
      process.stderr.write(`\r\x1b[K${line.slice(0, width())}`);
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}
