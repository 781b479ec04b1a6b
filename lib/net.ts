/** Addresses and URLs: which are this machine's, and which site a page is from. */
import { isIP } from 'node:net';

/** True when only this machine can reach an address: `localhost`, 127.0.0.0/8 or ::1 (bracketed or not). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || bare.toLowerCase() === '::ffff:127.0.0.1';
}

/** True when a URL points at this machine, so `infra up` may start a server for it. */
export function isLocalUrl(url: string): boolean {
  return isLoopbackHost(new URL(url).hostname);
}

/** The site of a page's URL: its host name, lower-cased, without a leading "www."; null when not a URL. */
export function siteOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}
