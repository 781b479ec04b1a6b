/**
 * Graceful shutdown for long-running commands: the first SIGTERM or SIGINT asks the process to
 * stop taking work and finish what it has; a second one exits at once.
 */
import type { Logger } from './logger.ts';

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
