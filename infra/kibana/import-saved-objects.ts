/**
 * Imports the shipped saved objects into Kibana through its saved-objects import API
 * (https://www.elastic.co/docs/api/doc/kibana/operation/operation-importsavedobjectsdefault):
 * one multipart upload of every object, with `overwrite=true`, so running it again replaces
 * the same objects instead of adding copies.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../lib/config.ts';
import { asSluiceError, ServiceError } from '../../lib/errors.ts';
import { type Logger, redactUrl } from '../../lib/logger.ts';
import { loadSavedObjects, type SavedObject, savedObjectsForAlias, toNdjson } from './saved-objects.ts';

export interface KibanaImportOptions {
  /** Kibana's base URL (with its base path, if it has one). */
  kibanaUrl: string;
  /** The articles alias the data view points at. */
  alias: string;
  /** Kibana shares Elasticsearch's users: the same credentials, when security is on. */
  auth?: { username?: string; password?: string; apiKey?: string };
  /** Objects to import; default every object in `infra/kibana/*.ndjson`. */
  objects?: readonly SavedObject[];
  /** Longest wait for Kibana's answer, in ms; default 30000. */
  timeoutMs?: number;
  /** Aborts the upload (a process shutting down). */
  signal?: AbortSignal;
}

export interface KibanaImportResult {
  successCount: number;
}

interface ImportResponse {
  success?: boolean;
  successCount?: number;
  errors?: Array<{ id: string; type: string; title?: string; error?: { type?: string; message?: string } }>;
  message?: string;
}

function authorization(auth: KibanaImportOptions['auth']): Record<string, string> {
  if (auth?.apiKey) return { authorization: `ApiKey ${auth.apiKey}` };
  if (auth?.username && auth.password) {
    return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
  }
  return {};
}

export async function importSavedObjects(options: KibanaImportOptions): Promise<KibanaImportResult> {
  const objects = savedObjectsForAlias(options.objects ?? (await loadSavedObjects()), options.alias);
  const form = new FormData();
  form.append('file', new Blob([toNdjson(objects)], { type: 'application/ndjson' }), 'sluice.ndjson');
  const url = new URL(
    'api/saved_objects/_import?overwrite=true',
    `${options.kibanaUrl.replace(/\/?$/, '/')}`,
  );
  const where = redactUrl(options.kibanaUrl);

  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      // Kibana refuses state-changing API calls without this header (CSRF protection).
      headers: { 'kbn-xsrf': 'sluice', ...authorization(options.auth) },
      body: form,
      signal: AbortSignal.any([
        AbortSignal.timeout(options.timeoutMs ?? 30_000),
        ...(options.signal ? [options.signal] : []),
      ]),
    });
  } catch (error) {
    throw new ServiceError(
      'KIBANA_UNREACHABLE',
      `Kibana at ${where} did not answer: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }

  const text = await response.text();
  let body: ImportResponse = {};
  try {
    body = JSON.parse(text) as ImportResponse;
  } catch {
    // Answered by a proxy or a Kibana still starting: report the status and the start of the text.
  }
  if (!response.ok) {
    throw new ServiceError(
      'KIBANA_IMPORT_FAILED',
      `Kibana at ${where} refused the saved objects: HTTP ${response.status} ${body.message ?? text.slice(0, 200)}`,
      { retryable: response.status >= 500 || response.status === 429 },
    );
  }
  if (body.success !== true) {
    const problems = (body.errors ?? [])
      .map(
        (e) =>
          `${e.type} ${e.id}: ${e.error?.type ?? 'error'}${e.error?.message ? ` (${e.error.message})` : ''}`,
      )
      .join('; ');
    throw new ServiceError(
      'KIBANA_IMPORT_FAILED',
      `Kibana at ${where} imported some objects only: ${problems}`,
      {
        retryable: false,
      },
    );
  }
  return { successCount: body.successCount ?? objects.length };
}

/** The `kibana` step of `sluice setup` (and of `sluice start` when KIBANA_URL is set). */
export async function setupKibana(
  config: Pick<Config, 'kibanaUrl' | 'index' | 'elasticsearch'>,
  options: Pick<KibanaImportOptions, 'signal' | 'timeoutMs'> = {},
): Promise<KibanaImportResult | undefined> {
  if (!config.kibanaUrl) return undefined;
  return importSavedObjects({
    kibanaUrl: config.kibanaUrl,
    alias: config.index,
    auth: config.elasticsearch,
    ...options,
  });
}

export const BACKGROUND_IMPORT_DEFAULTS = {
  /** Wait between two tries while Kibana does not answer, in ms: Kibana takes a minute or more to start. */
  retryMs: 30_000,
};

export interface BackgroundImport {
  /** True once imported; false when stopped, or when Kibana refused the objects for good. */
  finished: Promise<boolean>;
  /** Stops trying (and aborts an upload under way). */
  stop(): void;
}

/**
 * The Kibana step of a running pipeline (`start`, `work`): Kibana is optional to the pipeline, so
 * an unanswered import never holds it up (issue 16). One warning, then tries again every
 * `retryMs` in the background until Kibana answers; a refusal that a retry cannot help is logged
 * as an error and not tried again.
 */
export function importInBackground(
  config: Pick<Config, 'kibanaUrl' | 'index' | 'elasticsearch'>,
  logger: Logger,
  options: Partial<typeof BACKGROUND_IMPORT_DEFAULTS> & Pick<KibanaImportOptions, 'timeoutMs'> = {},
): BackgroundImport {
  const { retryMs } = { ...BACKGROUND_IMPORT_DEFAULTS, ...options };
  const stopping = new AbortController();
  const kibana = redactUrl(config.kibanaUrl ?? '');
  const finished = (async () => {
    for (let attempt = 1; !stopping.signal.aborted; attempt++) {
      try {
        const imported = await setupKibana(config, { signal: stopping.signal, timeoutMs: options.timeoutMs });
        logger.info({ kibana, objects: imported?.successCount, attempt }, 'Kibana saved objects imported.');
        return true;
      } catch (error) {
        if (stopping.signal.aborted) return false;
        const failure = asSluiceError(error);
        if (!failure.retryable) {
          logger.error(
            { kibana, code: failure.code, reason: failure.message },
            'Kibana refused the saved objects; run `sluice setup` once it is fixed.',
          );
          return false;
        }
        const fields = {
          kibana,
          code: failure.code,
          reason: failure.message,
          retryInSeconds: retryMs / 1000,
        };
        if (attempt === 1)
          logger.warn(
            fields,
            'Kibana is not ready; Sluice runs without it and imports its saved objects in the background.',
          );
        else logger.debug(fields, 'Kibana is still not ready.');
      }
      await sleep(retryMs, undefined, { signal: stopping.signal }).catch(() => undefined);
    }
    return false;
  })();
  return { finished, stop: () => stopping.abort() };
}
