// A timer for work done in passes (the local schedulers firing due jobs): one pass at a
// time, the next `pollMs` after the last ended, and a stop that waits for the pass under way.
import { logger } from '../commons/logger';

export interface PollLoop {
  start(): void;
  stop(): Promise<void>;
}

/** `label` names the loop in the error log line of a failed pass. */
export function createPollLoop(pass: () => Promise<unknown>, pollMs: number, label: string): PollLoop {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let started = false;

  function tick() {
    running = pass()
      .catch((err) => logger.error(`${label} poll failed`, { error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        running = undefined;
        if (started) {
          timer = setTimeout(tick, pollMs);
          timer.unref();
        }
      });
  }

  return {
    start() {
      if (started) return;
      started = true;
      tick();
    },
    async stop() {
      started = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
