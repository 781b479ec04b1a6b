/**
 * An in-process bulk batcher shared by an index worker's concurrent jobs. Each job submits one
 * bulk operation and gets a promise that settles only when Elasticsearch has acknowledged that
 * operation: batching changes how many requests are sent, never what a job is told.
 *
 * A batch is sent when it holds `maxOperations` operations or `maxBytes` bytes, or
 * `flushIntervalMs` after its first operation arrived. A whole request answered 429 or 5xx (or
 * not at all) is sent again with exponential backoff, as are single items rejected with 429;
 * any other item error rejects that item's promise with Elasticsearch's reason, not retried.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, errors, type estypes } from '@elastic/elasticsearch';
import { ServiceError } from '../../lib/errors.ts';

/** One bulk operation: the action line and its body (source, or update script + upsert). */
export type BulkOperation = readonly [action: object, body: object];

export interface BulkBatcherOptions {
  /** Index or alias the operations go to (unless their action names one). */
  index: string;
  /** Send a batch when it holds this many operations; default 500. */
  maxOperations?: number;
  /** Send a batch when its serialized operations reach this many bytes; default 5 MB. */
  maxBytes?: number;
  /** Send a batch this long after its first operation arrived, in ms; default 50. */
  flushIntervalMs?: number;
  /** Sends of one operation before it fails (429/5xx/no answer); default 6. */
  maxAttempts?: number;
  /** Backoff before the first resend in ms, doubled each time; default 200. */
  retryDelayMs?: number;
  /**
   * For nodes without scripting (no painless): turns an operation's body and the current document
   * (undefined when there is none) into the new document, or null for no change. Operations are
   * then applied by read-merge-write with optimistic concurrency instead of sent as they are.
   * Default: none (operations are sent as they are).
   */
  merge?: (
    current: Record<string, unknown> | undefined,
    body: Record<string, unknown>,
  ) => Record<string, unknown> | null;
  /** Called after every bulk request (for metrics): its duration and the item errors by type. */
  onBulk?: (report: BulkReport) => void;
}

export interface BulkReport {
  seconds: number;
  operations: number;
  /** Item error types (`es_rejected_execution_exception`, `mapper_parsing_exception`...), one per failed item. */
  rejections: string[];
}

/** What Elasticsearch answered for one acknowledged operation. */
export interface BulkAck {
  id: string;
  /** `created`, `updated` or `noop`. */
  result: string;
}

/** What one bulk item carries: the operations it settles and, when merged here, their results. */
interface Write {
  items: Pending[];
  action: Record<string, unknown>;
  body: Record<string, unknown>;
  results?: string[];
}

const asWrite = (item: Pending): Write => ({ items: [item], action: item.action, body: item.body });

interface Pending {
  action: Record<string, unknown>;
  body: Record<string, unknown>;
  bytes: number;
  attempts: number;
  resolve: (ack: BulkAck) => void;
  reject: (error: Error) => void;
}

const DEFAULTS = {
  maxOperations: 500,
  maxBytes: 5 * 1024 * 1024,
  flushIntervalMs: 50,
  maxAttempts: 6,
  retryDelayMs: 200,
};

export class BulkBatcher {
  readonly #client: Client;
  readonly #options: typeof DEFAULTS & BulkBatcherOptions;
  #batch: Pending[] = [];
  #batchBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Requests in flight and items waiting out a backoff, so `close` can wait for them. */
  readonly #inFlight = new Set<Promise<void>>();
  #closed = false;

  constructor(client: Client, options: BulkBatcherOptions) {
    this.#client = client;
    this.#options = { ...DEFAULTS, ...options };
  }

  /** Queues one operation; settles when Elasticsearch acknowledged or definitely refused it. */
  submit(operation: BulkOperation): Promise<BulkAck> {
    const [action, body] = operation as readonly [Record<string, unknown>, Record<string, unknown>];
    if (this.#closed)
      return Promise.reject(new ServiceError('ELASTICSEARCH_CLOSED', 'The bulk batcher is closed'));
    return new Promise<BulkAck>((resolve, reject) => {
      const bytes = Buffer.byteLength(JSON.stringify(action)) + Buffer.byteLength(JSON.stringify(body)) + 2;
      this.#add({ action, body, bytes, attempts: 0, resolve, reject });
    });
  }

  /** Sends what is batched and waits until every operation submitted so far has settled. */
  async flush(): Promise<void> {
    this.#send();
    while (this.#inFlight.size > 0) {
      await Promise.all(this.#inFlight);
      this.#send();
    }
  }

  /** Refuses new operations, then flushes. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #add(item: Pending): void {
    this.#batch.push(item);
    this.#batchBytes += item.bytes;
    if (this.#batch.length >= this.#options.maxOperations || this.#batchBytes >= this.#options.maxBytes) {
      this.#send();
    } else {
      this.#timer ??= setTimeout(() => this.#send(), this.#options.flushIntervalMs);
    }
  }

  #send(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#batch.length === 0) return;
    const batch = this.#batch;
    this.#batch = [];
    this.#batchBytes = 0;
    this.#track(this.#request(batch));
  }

  #track(work: Promise<void>): void {
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  async #request(batch: Pending[]): Promise<void> {
    for (const item of batch) item.attempts++;
    const started = performance.now();
    let writes: Write[];
    let items: Awaited<ReturnType<Client['bulk']>>['items'];
    try {
      writes = this.#options.merge ? await this.#mergeWrites(batch) : batch.map(asWrite);
      if (writes.length === 0) return;
      const response = await this.#client.bulk({
        index: this.#options.index,
        operations: writes.flatMap((write) => [write.action, write.body]),
      });
      items = response.items;
    } catch (error) {
      this.#report(started, batch.length, []);
      if (isTransient(error)) return this.#retry(batch, describe(error));
      const failure = new ServiceError(
        'ELASTICSEARCH_BULK_FAILED',
        `Bulk request failed: ${describe(error)}`,
        {
          retryable: false,
          cause: error,
        },
      );
      for (const item of batch) item.reject(failure);
      return;
    }

    const retry: Pending[] = [];
    const rejections: string[] = [];
    writes.forEach((write, i) => {
      const result = items[i] && Object.values(items[i])[0];
      if (!result) {
        const failure = new ServiceError(
          'ELASTICSEARCH_BULK_FAILED',
          'Bulk response has no item for this operation',
        );
        for (const item of write.items) item.reject(failure);
      } else if (!result.error) {
        write.items.forEach((item, j) => {
          item.resolve({ id: String(result._id), result: write.results?.[j] ?? result.result ?? 'updated' });
        });
      } else {
        rejections.push(result.error.type);
        if (result.status === 429) retry.push(...write.items);
        else if (result.status === 409 && this.#options.merge) {
          // Another writer changed the document since it was read: read and merge again.
          for (const item of write.items) item.attempts--;
          retry.push(...write.items);
        } else {
          const reason = describeCause(result.error);
          const failure = new ServiceError(
            'ELASTICSEARCH_REJECTED',
            `Elasticsearch rejected document ${result._id}: ${reason}`,
            { retryable: false },
          );
          for (const item of write.items) item.reject(failure);
        }
      }
    });
    this.#report(started, batch.length, rejections);
    if (retry.length > 0) return this.#retry(retry, 'rejected with 429 or a version conflict');
  }

  /**
   * Read-merge-write for nodes without scripting: reads the batch's documents, applies each
   * operation's merge in order (several operations on one document become one write), and
   * writes each changed document only if nobody changed it since (`if_seq_no`), or creates it.
   */
  async #mergeWrites(batch: Pending[]): Promise<Write[]> {
    const merge = this.#options.merge as NonNullable<BulkBatcherOptions['merge']>;
    const byId = new Map<string, Pending[]>();
    for (const item of batch) {
      const id = String((Object.values(item.action)[0] as { _id?: string } | undefined)?._id);
      byId.set(id, [...(byId.get(id) ?? []), item]);
    }
    const { docs } = await this.#client.mget<Record<string, unknown>>({
      index: this.#options.index,
      ids: [...byId.keys()],
    });
    const writes: Write[] = [];
    [...byId].forEach(([id, items], i) => {
      const current = docs[i] && 'found' in docs[i] && docs[i].found ? docs[i] : undefined;
      let document = current?._source;
      const results = items.map((item) => {
        const merged = merge(document, item.body);
        if (!merged) return 'noop';
        const result = document ? 'updated' : 'created';
        document = merged;
        return result;
      });
      if (document === current?._source) {
        for (const item of items) item.resolve({ id, result: 'noop' });
        return;
      }
      const action = current
        ? { index: { _id: id, if_seq_no: current._seq_no, if_primary_term: current._primary_term } }
        : { create: { _id: id } };
      writes.push({ items, action, body: document as Record<string, unknown>, results });
    });
    return writes;
  }

  async #retry(batch: Pending[], reason: string): Promise<void> {
    const giveUp = batch.filter((item) => item.attempts >= this.#options.maxAttempts);
    for (const item of giveUp) {
      item.reject(
        new ServiceError(
          'ELASTICSEARCH_UNAVAILABLE',
          `Elasticsearch did not accept the operation after ${item.attempts} tries: ${reason}`,
        ),
      );
    }
    const again = batch.filter((item) => item.attempts < this.#options.maxAttempts);
    if (again.length === 0) return;
    const attempts = Math.max(...again.map((item) => item.attempts));
    await sleep(this.#options.retryDelayMs * 2 ** (attempts - 1));
    for (const item of again) this.#add(item);
  }

  #report(started: number, operations: number, rejections: string[]): void {
    this.#options.onBulk?.({ seconds: (performance.now() - started) / 1000, operations, rejections });
  }
}

/** 429 and 5xx answers and no answer at all may succeed later; a 4xx will not. */
function isTransient(error: unknown): boolean {
  if (error instanceof errors.ResponseError)
    return error.statusCode === 429 || (error.statusCode ?? 0) >= 500;
  return (
    error instanceof errors.ConnectionError ||
    error instanceof errors.TimeoutError ||
    error instanceof errors.NoLivingConnectionsError
  );
}

/** `type: reason`, followed by the causes Elasticsearch nested (a script error says where it broke). */
function describeCause(cause: estypes.ErrorCause): string {
  const parts: string[] = [];
  for (let at: estypes.ErrorCause | undefined = cause; at && parts.length < 4; at = at.caused_by) {
    parts.push(`${at.type}: ${at.reason ?? 'no reason given'}`);
  }
  return parts.join(' <- ');
}

function describe(error: unknown): string {
  if (error instanceof errors.ResponseError) return `HTTP ${error.statusCode}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
