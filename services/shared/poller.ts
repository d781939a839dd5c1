import type { Logger } from './logger';

/**
 * Runs `work` every `intervalMs`, one run at a time (the next waits for the
 * previous to finish); a failed run is logged and the next one tries again.
 * stop() waits for the run in progress.
 */
export function startPoller(name: string, intervalMs: number, work: () => Promise<unknown>, logger: Logger) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const run = () => {
    current = work()
      .then(() => undefined)
      .catch((err: unknown) => logger.warn({ err }, `${name} failed; retrying`))
      .finally(() => {
        if (!stopped) timer = setTimeout(run, intervalMs);
      });
  };
  timer = setTimeout(run, intervalMs);
  return {
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
