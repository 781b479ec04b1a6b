/**
 * At most one log line per interval for a recurring condition (an outage, a scanner's refused
 * requests), counting what was held back so the next line can say how many: the one throttle
 * behind "Waiting for Redis" and the dashboard's "Request refused" lines.
 */
export class LogThrottle {
  private lastLine = Number.NEGATIVE_INFINITY;
  private held = 0;

  constructor(private readonly intervalMs: number) {}

  /**
   * Whether a line is due now. When it is, `heldBack` is how many occurrences were not logged
   * since the previous line; when it is not, this occurrence is counted as held back.
   */
  take(now = Date.now()): { due: true; heldBack: number } | { due: false } {
    if (now - this.lastLine < this.intervalMs) {
      this.held++;
      return { due: false };
    }
    const heldBack = this.held;
    this.lastLine = now;
    this.held = 0;
    return { due: true, heldBack };
  }
}
