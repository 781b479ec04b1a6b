/**
 * Asking a node which analysis features it has. The local integ-test-zip node lacks the
 * analysis-common module; its dev shims plugin supplies `english`, but a node started some other
 * way may have neither, so index templates should ask instead of assuming.
 */
import type { Client, estypes } from '@elastic/elasticsearch';

/** True when the node knows a built-in analyzer of that name (`english`, `standard`, ...). */
export function hasAnalyzer(client: Client, analyzer: string): Promise<boolean> {
  return analyzes(client, { analyzer, text: 'probe' });
}

/** True when the node knows a built-in token filter of that name (`asciifolding`, `porter_stem`, ...). */
export function hasTokenFilter(client: Client, filter: string): Promise<boolean> {
  return analyzes(client, { tokenizer: 'standard', filter: [filter], text: 'probe' });
}

async function analyzes(client: Client, request: estypes.IndicesAnalyzeRequest): Promise<boolean> {
  try {
    await client.indices.analyze(request);
    return true;
  } catch (error) {
    if (isUnknownAnalysisComponent(error)) return false;
    throw error;
  }
}

/** Elasticsearch answers 400 "failed to find global analyzer [x]" / "failed to find global filter under [x]". */
function isUnknownAnalysisComponent(error: unknown): boolean {
  const meta = (error as { meta?: { statusCode?: number } }).meta;
  return meta?.statusCode === 400 && /failed to find global/.test((error as Error).message);
}
