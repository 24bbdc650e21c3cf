import { useEffect, useState, type ReactNode } from 'react';

/**
 * Renders its children in a later task (after `delay` ms), showing `fallback` until then. Used to split a big
 * render (charts, long tables) into several short main-thread tasks: the page stays responsive (no task over 50 ms)
 * when a new model's summary appears.
 */
export function Deferred({ children, delay = 0, fallback = null }: { children: ReactNode; delay?: number; fallback?: ReactNode }) {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const id = setTimeout(() => setReady(true), delay);
    return () => clearTimeout(id);
  }, [delay]);
  return ready ? children : fallback;
}
