import { useCallback, useEffect, useState } from 'preact/hooks';

export type Async<T> = { loading: boolean; data?: T; error?: unknown; reload: () => void };

/** Loads something when the inputs change; the newest call wins. */
export function useAsync<T>(load: () => Promise<T>, inputs: unknown[]): Async<T> {
  const [state, setState] = useState<{ loading: boolean; data?: T; error?: unknown }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => current && setState({ loading: false, data }),
      (error: unknown) => current && setState({ loading: false, error }),
    );
    return () => void (current = false);
  }, [...inputs, tick]);
  return { ...state, reload: useCallback(() => setTick((t) => t + 1), []) };
}
