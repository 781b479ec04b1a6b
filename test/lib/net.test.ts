import { describe, expect, it } from 'vitest';
import { isLocalUrl, isLoopbackHost, siteOf } from '../../lib/net.ts';

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['127.example.com', false],
    ['10.0.0.1', false],
    ['example.com', false],
  ])('%s is loopback: %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('isLocalUrl', () => {
  it.each([
    ['http://127.0.0.1:9200', true],
    ['redis://localhost:6379', true],
    ['http://[::1]:9200', true],
    ['https://es.example.com', false],
    // A host name that merely starts with "127." is not this machine.
    ['http://127.example.com:9200', false],
  ])('%s is local: %s', (url, expected) => {
    expect(isLocalUrl(url)).toBe(expected);
  });
});

describe('siteOf', () => {
  it('names the site by its host, lower-cased, without www.', () => {
    expect(siteOf('https://WWW.Example.co.uk/news/1?x=2')).toBe('example.co.uk');
    expect(siteOf('http://blog.example.com')).toBe('blog.example.com');
  });

  it('keeps subdomains, ports aside, and a "www" that is not the leading label', () => {
    expect(siteOf('http://example.com:8080/')).toBe('example.com');
    expect(siteOf('https://www2.example.com/x')).toBe('www2.example.com');
    expect(siteOf('https://example.www.com/x')).toBe('example.www.com');
  });

  it('gives null for what is not a URL', () => {
    expect(siteOf('not a url')).toBeNull();
    expect(siteOf(undefined)).toBeNull();
    expect(siteOf('')).toBeNull();
  });
});
