/**
 * Who the HTTP server answers. Bull Board has no authentication of its own, so anything the
 * server answers beyond this machine, and the board's actions anywhere, need the token: as
 * `Authorization: Bearer <token>` (Prometheus, curl) or as the password of HTTP basic auth
 * (browsers; any user name). Without a token (loopback only) the server answers requests
 * addressed to a loopback name only: a web page whose own name an attacker rebinds to
 * 127.0.0.1 (DNS rebinding) is refused.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BOARD_ACTIONS_NEED_TOKEN } from '../../lib/config.ts';
import { ConfigError } from '../../lib/errors.ts';
import { LogThrottle } from '../../lib/log-throttle.ts';
import { isLoopbackHost } from '../../lib/net.ts';

/** Routes answered without credentials: an orchestrator's liveness probe carries none. */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['/healthz']);

/**
 * The token the server must demand, or undefined on loopback without one. Refuses to serve
 * beyond loopback without a token rather than expose job controls to the network.
 */
export function requiredToken(http: {
  host: string;
  token?: string;
  boardActions?: boolean;
}): string | undefined {
  if (http.token) return http.token;
  if (http.boardActions) throw new ConfigError(BOARD_ACTIONS_NEED_TOKEN);
  if (isLoopbackHost(http.host)) return undefined;
  throw new ConfigError(
    `SLUICE_HTTP_TOKEN: required when SLUICE_HTTP_HOST (${http.host}) is not a loopback address; ` +
      'set a token of at least 16 characters, or bind to 127.0.0.1',
  );
}

/** The token a request presents, from a bearer header or a basic-auth password. */
export function presentedToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const [scheme, value = ''] = authorization.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (scheme?.toLowerCase() !== 'basic') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(colon + 1);
}

/** Compares digests so neither the time taken nor a length mismatch tells how close a guess was. */
function sameSecret(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** A fastify `onRequest` hook answering 401 to every non-public route without the token. */
export function credentialsHook(token: string) {
  const logRefusal = refusalLog('Request refused: missing or wrong credentials.');
  return async (request: FastifyRequest, reply: FastifyReply) => {
    // The matched route, not the raw URL: `/healthz/../queues` cannot pass for a public route.
    if (PUBLIC_ROUTES.has(request.routeOptions.url ?? '')) return;
    const presented = presentedToken(request.headers.authorization);
    if (presented !== undefined && sameSecret(presented, token)) return;
    logRefusal(request);
    return reply
      .code(401)
      .header('www-authenticate', 'Basic realm="sluice", charset="UTF-8"')
      .send({ error: 'credentials required: Bearer token or basic auth with the token as password' });
  };
}

/** Refused requests are logged at most this often per reason, in ms: a scanner must not flood the log. */
export const REFUSAL_LOG_INTERVAL_MS = 10_000;

/**
 * Logs a refused request at most once per interval, with how many were refused since the last
 * line. Only the path is logged: a query string may carry a token.
 */
function refusalLog(message: string, intervalMs = REFUSAL_LOG_INTERVAL_MS) {
  const lines = new LogThrottle(intervalMs);
  return (request: FastifyRequest, fields: Record<string, unknown> = {}) => {
    const line = lines.take();
    if (!line.due) return;
    const path = request.url.split('?', 1)[0];
    request.log.warn({ ...fields, path, ip: request.ip, refusedSinceLastLine: line.heldBack }, message);
  };
}

/** True for `localhost`, `*.localhost` (RFC 6761: always loopback) and loopback addresses, with any port. */
export function isLoopbackName(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const name = hostHeader.replace(/:\d+$/, '').toLowerCase();
  return isLoopbackHost(name) || name.endsWith('.localhost');
}

/** A fastify `onRequest` hook answering 403 to a request addressed to a name that is not loopback. */
export function loopbackHostHook() {
  const logRefusal = refusalLog('Request refused: not addressed to this machine.');
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (isLoopbackName(request.headers.host)) return;
    logRefusal(request, { host: request.headers.host });
    return reply.code(403).send({
      error:
        'this server answers requests addressed to localhost or 127.0.0.1 only (SLUICE_HTTP_HOST is loopback)',
    });
  };
}
