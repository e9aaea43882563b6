import nock from 'nock';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HubError, HubErrors } from '../errors.js';
import { backoffDelay, parseRetryAfter } from './backoff.js';
import { createHttpClient } from './client.js';
import { TokenBucket } from './rateLimit.js';

const BASE = 'http://source.test';
const log = pino({ level: 'silent' });
const client = (over: Partial<Parameters<typeof createHttpClient>[0]> = {}) =>
  createHttpClient({
    system: 'test',
    baseUrl: BASE,
    timeoutMs: 2000,
    rateLimit: { rps: 1000, burst: 1000 },
    maxResponseBytes: 1024,
    retry: { attempts: 4, baseMs: 1, maxMs: 5 },
    log,
    secrets: ['s3cr3t-token'],
    ...over,
  });
const text = (res: { data: Buffer }) => Buffer.from(res.data).toString('utf8');

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('the shared HTTP layer', () => {
  it('retries 5xx and resets with backoff, then answers', async () => {
    nock(BASE)
      .get('/x')
      .reply(503)
      .get('/x')
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .get('/x')
      .reply(200, 'ok');
    expect(await client().call({ request: { url: '/x' }, interpret: text })).toBe('ok');
  });

  it('honours Retry-After on 429', async () => {
    nock(BASE).get('/x').reply(429, '', { 'Retry-After': '1' }).get('/x').reply(200, 'ok');
    const t = Date.now();
    expect(
      await client({ retry: { attempts: 3, baseMs: 1, maxMs: 2000 } }).call({
        request: { url: '/x' },
        interpret: text,
      }),
    ).toBe('ok');
    expect(Date.now() - t).toBeGreaterThanOrEqual(950);
  });

  it('gives up after the configured attempts with a transient error', async () => {
    nock(BASE).get('/x').times(4).reply(500, '<html>oops</html>');
    const err = await client()
      .call({ request: { url: '/x' }, interpret: text })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubError);
    expect((err as HubError).code).toBe('HUB_SOURCE_TRANSIENT');
    expect(nock.isDone()).toBe(true);
  });

  it('never follows a redirect: base URLs come only from configuration', async () => {
    nock(BASE).get('/x').reply(302, '', { Location: 'http://elsewhere.test/steal' });
    const err = await client()
      .call({ request: { url: '/x' }, interpret: text })
      .catch((e: unknown) => e);
    expect((err as HubError).code).toBe('HUB_SOURCE_REDIRECT');
    expect((err as HubError).failure).toBe('config');
  });

  it('cuts off responses larger than the cap, without retrying', async () => {
    const scope = nock(BASE).get('/x').reply(200, 'x'.repeat(4096));
    const err = await client()
      .call({ request: { url: '/x' }, interpret: text })
      .catch((e: unknown) => e);
    expect((err as HubError).code).toBe('HUB_SOURCE_TOO_LARGE');
    expect(scope.isDone()).toBe(true);
  });

  it('refreshes credentials once on an auth-expired answer, then repeats the call', async () => {
    nock(BASE).get('/x').reply(200, 'expired').get('/x').reply(200, 'ok');
    let refreshed = 0;
    const res = await client().call({
      request: { url: '/x' },
      interpret: (r) => {
        if (text(r) === 'expired') throw HubErrors.SOURCE_AUTH_EXPIRED('test');
        return text(r);
      },
      onAuthExpired: async () => void refreshed++,
    });
    expect(res).toBe('ok');
    expect(refreshed).toBe(1);
  });

  it('keeps secrets out of its error messages', async () => {
    nock(BASE)
      .get('/x')
      .query(true)
      .times(4)
      .replyWithError(
        Object.assign(new Error('connect ECONNREFUSED for ?key=s3cr3t-token'), { code: 'ECONNREFUSED' }),
      );
    const err = await client()
      .call({ request: { url: '/x?key=s3cr3t-token' }, interpret: text })
      .catch((e: unknown) => e);
    expect((err as Error).message).not.toContain('s3cr3t-token');
    expect((err as HubError).code).toBe('HUB_SOURCE_UNREACHABLE');
  });
});

describe('backoff and rate limiting', () => {
  it('backs off exponentially with jitter inside the cap, and Retry-After wins', () => {
    const p = { attempts: 5, baseMs: 100, maxMs: 1000 };
    for (let n = 1; n <= 6; n++) {
      const cap = Math.min(1000, 100 * 2 ** (n - 1));
      expect(backoffDelay(n, p, undefined, () => 0)).toBe(cap / 2);
      expect(backoffDelay(n, p, undefined, () => 0.999)).toBeLessThanOrEqual(cap);
    }
    expect(backoffDelay(1, p, 3)).toBe(3000);
    expect(parseRetryAfter('7')).toBe(7);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThanOrEqual(4);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
  it('a token bucket allows the burst, then paces at the rate', () => {
    let now = 0;
    const b = new TokenBucket(10, 2, () => now);
    expect([b.reserve(), b.reserve()]).toEqual([0, 0]);
    expect(b.reserve()).toBe(100);
    now = 1000;
    expect(b.reserve()).toBe(0);
  });
});
