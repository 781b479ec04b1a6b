/**
 * How the queue board shows things (issue 16). Bull Board's page links a web font from Google's
 * servers; the board must work offline and load nothing from outside, so that link is taken out
 * of the page (the page falls back to the browser's sans-serif) and the security policy
 * (security-headers.ts) names no other host. And a job's card shows its data with the file's
 * bytes summarised: a page in base64 is a wall of text on every refresh.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Any stylesheet or font link to another host in Bull Board's page. */
const EXTERNAL_LINK = /<link[^>]+href="https?:\/\/[^"]*"[^>]*>\s*/g;

/** A fastify `onSend` hook: the board's HTML page without links to other hosts. */
export async function withoutExternalLinks(_request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  const type = String(reply.getHeader('content-type') ?? '');
  if (!type.startsWith('text/html') || typeof payload !== 'string') return payload;
  return payload.replace(EXTERNAL_LINK, '');
}

/** A job's data as its card shows it: a `bytes` field (base64) becomes its size. */
export function boardJobData(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || !('bytes' in data) || typeof data.bytes !== 'string') {
    return data;
  }
  const size = Buffer.byteLength(data.bytes, 'base64');
  return { ...data, bytes: `${size} bytes (not shown)` };
}
