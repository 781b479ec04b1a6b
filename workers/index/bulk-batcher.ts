/**
 * An in-process batcher of read-merge-write updates, shared by an index worker's concurrent jobs.
 * Each job submits a proposal for one document and gets a promise that settles only when
 * Elasticsearch has acknowledged the document it ended up in: batching changes how many requests
 * are sent, never what a job is told.
 *
 * A batch is one `mget` of its documents, the caller's `merge` applied to each proposal in
 * order (several proposals for one document become one write), and one `bulk` request that
 * writes each changed document only if nobody changed it since it was read (`if_seq_no` and
 * `if_primary_term`), or creates it (`create`). Works on any node: no script is involved.
 * A merge may also answer DELETE_DOCUMENT: the document is then deleted, under the same
 * condition that nobody changed it since it was read.
 * Documents whose proposals were all submitted as likely new are not read: they are merged
 * from nothing and sent as `create`, which fails with 409 if the document exists after all,
 * and is then read and merged like any conflict. Most new documents thus cost no `mget`.
 *
 * A batch is sent when it holds `maxOperations` proposals or `maxBytes` bytes, or
 * `flushIntervalMs` after its first proposal arrived. Single items rejected with 429 (or whose
 * document could not be read) are sent again with exponential backoff; a request answered 429 or
 * 5xx, or not at all, fails its submitters with ELASTICSEARCH_UNAVAILABLE at once, for the job
 * queue to retry with its own backoff (one retry layer per failure kind). A version
 * conflict (409: another writer got there first) is read and merged again in the next batch,
 * up to `maxConflicts` times. Writes require `index` to be an alias: a missing one rejects its
 * submitters with a retryable ELASTICSEARCH_INDEX_MISSING. Any other item error rejects that document's submitters with
 * Elasticsearch's reason, not retried.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, errors, type estypes } from '@elastic/elasticsearch';
import { ServiceError } from '../../lib/errors.ts';

export interface BulkBatcherOptions<P, D> {
  /** Alias the documents are read from and written to (with one write index). */
  index: string;
  /**
   * Refuse writes unless `index` is an alias, so a deleted index is not created again by a write
   * with a dynamic mapping; default true. False for a concrete index a reindex builds.
   */
  requireAlias?: boolean;
  /** `_id` of the document a proposal is for. */
  idOf: (proposal: P) => string;
  /**
   * The document after applying the proposal to `current` (undefined: none yet), null for no
   * change, or DELETE_DOCUMENT to delete it.
   */
  merge: (current: D | undefined, proposal: P) => D | null | typeof DELETE_DOCUMENT;
  /** Send a batch when it holds this many proposals; default 500. */
  maxOperations?: number;
  /** Send a batch when its proposals, serialized, reach this many bytes; default 5 MB. */
  maxBytes?: number;
  /** Send a batch this long after its first proposal arrived, in ms; default 50. */
  flushIntervalMs?: number;
  /** Sends of one proposal before it fails (item 429s and unreadable documents; conflicts not counted); default 6. */
  maxAttempts?: number;
  /** Backoff before the first resend in ms, doubled each time; default 200. */
  retryDelayMs?: number;
  /** Version conflicts one proposal may meet before it fails (a document too hot to merge into); default 20. */
  maxConflicts?: number;
  /** Called after every bulk request (for metrics): its duration and the item errors by type. */
  onBulk?: (report: BulkReport) => void;
}

export interface BulkReport {
  seconds: number;
  /** Proposals the request carried (several for one document are one write). */
  operations: number;
  /** Item error types (`es_rejected_execution_exception`, `version_conflict_engine_exception`...), one per failed item. */
  rejections: string[];
}

/** What a merge answers to have its document deleted. */
export const DELETE_DOCUMENT: unique symbol = Symbol('delete the document');

/** What a proposal did to its document. */
export type WriteResult = 'created' | 'updated' | 'deleted' | 'noop';

/** One acknowledged proposal. */
export interface BulkAck {
  id: string;
  result: WriteResult;
}

interface Pending<P> {
  proposal: P;
  id: string;
  bytes: number;
  /** Sends that failed for a transient reason, plus the one in progress. */
  attempts: number;
  /** Version conflicts met so far. */
  conflicts: number;
  /** The submitter expects the document not to exist yet: try `create` without reading it. */
  likelyNew: boolean;
  resolve: (ack: BulkAck) => void;
  reject: (error: Error) => void;
}

/** One document to write (or delete: no document), and the proposals it settles with their results. */
interface Write<P> {
  items: Pending<P>[];
  results: WriteResult[];
  action: object;
  document?: unknown;
}

const DEFAULTS = {
  maxOperations: 500,
  maxBytes: 5 * 1024 * 1024,
  flushIntervalMs: 50,
  maxAttempts: 6,
  retryDelayMs: 200,
  maxConflicts: 20,
};

export class BulkBatcher<P, D extends object> {
  readonly #client: Client;
  readonly #options: typeof DEFAULTS & BulkBatcherOptions<P, D>;
  #batch: Pending<P>[] = [];
  #batchBytes = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Requests in flight and items waiting out a backoff, so `close` can wait for them. */
  readonly #inFlight = new Set<Promise<void>>();
  #closed = false;

  constructor(client: Client, options: BulkBatcherOptions<P, D>) {
    this.#client = client;
    this.#options = { ...DEFAULTS, ...options };
  }

  /**
   * Queues one proposal; settles when Elasticsearch acknowledged or definitely refused its
   * document. `likelyNew` is a hint (a wrong one costs a 409 and a read, never a lost merge).
   */
  submit(proposal: P, hints: { likelyNew?: boolean } = {}): Promise<BulkAck> {
    if (this.#closed)
      return Promise.reject(new ServiceError('ELASTICSEARCH_CLOSED', 'The bulk batcher is closed'));
    return new Promise<BulkAck>((resolve, reject) => {
      const bytes = Buffer.byteLength(JSON.stringify(proposal));
      const id = this.#options.idOf(proposal);
      const likelyNew = hints.likelyNew ?? false;
      this.#add({ proposal, id, bytes, attempts: 0, conflicts: 0, likelyNew, resolve, reject });
    });
  }

  /** Sends what is batched and waits until every proposal submitted so far has settled. */
  async flush(): Promise<void> {
    this.#send();
    while (this.#inFlight.size > 0) {
      await Promise.all(this.#inFlight);
      this.#send();
    }
  }

  /** Refuses new proposals, then flushes. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #add(item: Pending<P>): void {
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

  async #request(batch: Pending<P>[]): Promise<void> {
    for (const item of batch) item.attempts++;
    const started = performance.now();
    // What is still unsettled if the request fails: the batch until the merge settled the no-ops.
    let pending = batch;
    const retry: Pending<P>[] = [];
    let writes: Write<P>[];
    let items: estypes.BulkResponse['items'];
    try {
      const merged = await this.#readAndMerge(batch);
      writes = merged.writes;
      retry.push(...merged.unread);
      pending = writes.flatMap((write) => write.items);
      if (writes.length === 0) return this.#retry(retry, 'the document could not be read');
      const response = await this.#client.bulk({
        index: this.#options.index,
        // A deleted index must not come back as a concrete index with a dynamic mapping.
        require_alias: this.#options.requireAlias ?? true,
        operations: writes.flatMap((write) =>
          write.document === undefined ? [write.action] : [write.action, write.document],
        ),
      });
      items = response.items;
    } catch (error) {
      this.#report(started, batch.length, []);
      // Elasticsearch away or failing as a whole is the job queue's to retry, with its backoff:
      // resending here too would stack a second retry layer on the same failure.
      if (isTransient(error)) {
        const unavailable = new ServiceError(
          'ELASTICSEARCH_UNAVAILABLE',
          `Elasticsearch did not take the bulk request: ${describe(error)}`,
          { cause: error },
        );
        for (const item of [...pending, ...retry]) item.reject(unavailable);
        return;
      }
      const failure = new ServiceError(
        'ELASTICSEARCH_BULK_FAILED',
        `Bulk request failed: ${describe(error)}`,
        { retryable: false, cause: error },
      );
      for (const item of [...pending, ...retry]) item.reject(failure);
      return;
    }

    const rejections: string[] = [];
    writes.forEach((write, i) => {
      const result = items[i] && Object.values(items[i])[0];
      if (!result) {
        const failure = new ServiceError(
          'ELASTICSEARCH_BULK_FAILED',
          'Bulk response has no item for this document',
        );
        for (const item of write.items) item.reject(failure);
      } else if (!result.error) {
        write.items.forEach((item, j) => {
          item.resolve({ id: item.id, result: write.results[j] as WriteResult });
        });
      } else {
        rejections.push(result.error.type);
        if (result.status === 429) retry.push(...write.items);
        else if (result.status === 409) this.#remerge(write.items);
        else if (isIndexMissing(result.error)) this.#rejectIndexMissing(write.items);
        else {
          const failure = new ServiceError(
            'ELASTICSEARCH_REJECTED',
            `Elasticsearch rejected document ${result._id}: ${describeCause(result.error)}`,
            { retryable: false },
          );
          for (const item of write.items) item.reject(failure);
        }
      }
    });
    this.#report(started, batch.length, rejections);
    if (retry.length > 0) return this.#retry(retry, 'rejected with 429 or unreadable');
  }

  /**
   * Reads the batch's documents (but those whose proposals are all likely new: see the module
   * comment) and applies each proposal in order. Proposals that change nothing are settled here
   * as `noop`; proposals whose document could not be read are returned apart, to be retried.
   */
  async #readAndMerge(batch: Pending<P>[]): Promise<{ writes: Write<P>[]; unread: Pending<P>[] }> {
    const byId = new Map<string, Pending<P>[]>();
    for (const item of batch) byId.set(item.id, [...(byId.get(item.id) ?? []), item]);
    const toRead = [...byId].filter(([, items]) => items.some((item) => !item.likelyNew));
    const { docs } =
      toRead.length > 0
        ? await this.#client.mget<D>({ index: this.#options.index, ids: toRead.map(([id]) => id) })
        : { docs: [] };
    const reads = new Map(toRead.map(([id], i) => [id, docs[i]]));
    const writes: Write<P>[] = [];
    const unread: Pending<P>[] = [];
    for (const [id, items] of byId) {
      const read = reads.has(id) ? reads.get(id) : { found: false as const };
      if (read && 'error' in read && isIndexMissing(read.error)) {
        this.#rejectIndexMissing(items);
        continue;
      }
      if (!read || 'error' in read) {
        unread.push(...items);
        continue;
      }
      const current = read.found ? read : undefined;
      let document = current?._source;
      const results = items.map((item): WriteResult => {
        const merged = this.#options.merge(document, item.proposal);
        if (!merged) return 'noop';
        if (merged === DELETE_DOCUMENT) {
          document = undefined;
          return 'deleted';
        }
        const result = document ? 'updated' : 'created';
        document = merged;
        return result;
      });
      if (document === current?._source) {
        for (const item of items) item.resolve({ id, result: 'noop' });
        continue;
      }
      const unchanged = current && {
        _id: id,
        if_seq_no: current._seq_no,
        if_primary_term: current._primary_term,
      };
      const action = unchanged
        ? { [document === undefined ? 'delete' : 'index']: unchanged }
        : { create: { _id: id } };
      writes.push({ items, results, action, document });
    }
    return { writes, unread };
  }

  /** Another writer changed the document since it was read: read and merge again, not as a new attempt. */
  #remerge(items: Pending<P>[]): void {
    for (const item of items) {
      item.conflicts++;
      // The document exists (or changed): the next try reads it.
      item.likelyNew = false;
      if (item.conflicts > this.#options.maxConflicts) {
        item.reject(
          new ServiceError(
            'ELASTICSEARCH_CONFLICT',
            `Document ${item.id} changed under ${item.conflicts} merges; too many concurrent writers`,
          ),
        );
      } else {
        item.attempts--;
        this.#add(item);
      }
    }
  }

  async #retry(batch: Pending<P>[], reason: string): Promise<void> {
    const giveUp = batch.filter((item) => item.attempts >= this.#options.maxAttempts);
    for (const item of giveUp) {
      item.reject(
        new ServiceError(
          'ELASTICSEARCH_UNAVAILABLE',
          `Elasticsearch did not accept the document after ${item.attempts} tries: ${reason}`,
        ),
      );
    }
    const again = batch.filter((item) => item.attempts < this.#options.maxAttempts);
    if (again.length === 0) return;
    const attempts = Math.max(...again.map((item) => item.attempts));
    await sleep(this.#options.retryDelayMs * 2 ** (attempts - 1));
    for (const item of again) this.#add(item);
  }

  /** The alias is gone: left to the job's retries (setup creates it again), not to the batcher's. */
  #rejectIndexMissing(items: Pending<P>[]): void {
    const failure = new ServiceError(
      'ELASTICSEARCH_INDEX_MISSING',
      `The alias "${this.#options.index}" does not exist (was the index deleted?); retried until \`sluice setup\` creates it again`,
    );
    for (const item of items) item.reject(failure);
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

function isIndexMissing(cause: estypes.ErrorCause): boolean {
  return cause.type === 'index_not_found_exception';
}

/** `type: reason`, followed by the causes Elasticsearch nested. */
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
