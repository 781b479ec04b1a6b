/**
 * Graceful shutdown for long-running commands: the first SIGTERM or SIGINT asks the process to
 * stop taking work and finish what it has; a second one exits at once. A graceful stop is bounded
 * (issue 13 item 11): with Redis away, a producer paused on backpressure or Elasticsearch holding
 * a request, finishing could take minutes, so past the bound the process exits anyway. Nothing is
 * lost by that: the jobs it held are retried once their locks expire, and files stay in the inbox.
 */
import type { Logger } from './logger.ts';

/** The longest a graceful stop may take before the process exits anyway, in ms. */
export const SHUTDOWN_BOUND_MS = 10_000;

/** Resolves with the signal's name on the first SIGTERM/SIGINT. */
export function shutdownSignal(logger: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        logger.warn({ signal }, 'Second signal; exiting without finishing in-flight work.');
        process.exit(130);
      }
      received = signal;
      logger.info({ signal }, 'Shutting down: finishing in-flight work.');
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/**
 * Runs `close`, and makes sure the process has ended `boundMs` after it began: when `close` has
 * not finished by then, logs what was left and exits with status 1 (work was left to be retried);
 * when it has but a connection still holds the process (a client reconnecting to a Redis that is
 * away), exits with the status the command set.
 */
export async function closeWithinBound(
  close: () => Promise<void>,
  logger: Logger,
  boundMs = SHUTDOWN_BOUND_MS,
): Promise<void> {
  let closed = false;
  // Unref'd: a process that has nothing left to do ends by itself, earlier.
  setTimeout(() => {
    if (closed) process.exit(process.exitCode ?? 0);
    logger.warn(
      { boundSeconds: boundMs / 1000 },
      'Shutdown is taking too long (a service not answering?); exiting now. Jobs in flight are retried once their locks expire, and files stay in the inbox.',
    );
    logger.flush();
    process.exit(1);
  }, boundMs).unref();
  await close();
  closed = true;
}
