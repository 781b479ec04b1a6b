/**
 * Response headers that keep the dashboard from being framed, sniffed or made to load foreign
 * scripts. Set by hand: the policy is short, and the Content-Security-Policy must fit Bull
 * Board's page exactly (its own scripts and inline styles; the web font it links from another
 * host is taken out of the page, board-view.ts, so no other host is allowed).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/** A fastify `onSend` hook adding the headers to every response, errors and 401s included. */
export async function securityHeadersHook(_request: FastifyRequest, reply: FastifyReply, payload: unknown) {
  reply.headers(SECURITY_HEADERS);
  reply.removeHeader('x-powered-by');
  return payload;
}
