import { describe, expect, it } from 'vitest';
import { HubErrors } from '../errors.js';
import { checkFailure, checkWithin } from './check.js';

const redact = (s: string) => s.split('s3cret-key').join('***');

describe('checkFailure', () => {
  it.each([
    [HubErrors.SOURCE_AUTH('x', 'wrong key'), 'auth'],
    [HubErrors.SOURCE_AUTH_EXPIRED('x'), 'auth'],
    [HubErrors.SOURCE_TLS('x', 'host', 'CERT_HAS_EXPIRED'), 'tls'],
    [HubErrors.SOURCE_UNREACHABLE('x', 'GET /', 'ECONNREFUSED'), 'connection'],
    [HubErrors.SOURCE_TRANSIENT('x', 'HTTP 503'), 'connection'],
    [HubErrors.SOURCE_PAYLOAD('x', 'not JSON'), 'payload'],
    [HubErrors.SOURCE_TOO_LARGE('x', 1024), 'payload'],
    [HubErrors.SOURCE_REJECTED('x', 'HTTP 404'), 'other'],
    [new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'connection'],
    [new TypeError('not a check failure'), 'other'],
    ['a string', 'other'],
  ])('classifies %s as %s', (e, failure) => {
    expect(checkFailure(e)).toMatchObject({ ok: false, failure });
  });

  it('redacts the detail, whatever was thrown', () => {
    const hub = checkFailure(HubErrors.SOURCE_AUTH('x', 'bad key s3cret-key'), redact);
    const plain = checkFailure(new Error('s3cret-key leaked'), redact);
    expect([hub.detail, plain.detail]).toEqual([expect.stringContaining('bad key ***'), '*** leaked']);
  });
});

describe('checkWithin', () => {
  const ctx = { config: { timeoutMs: 50 }, http: { redact } };

  it('answers ok with the probe’s detail', async () => {
    expect(await checkWithin(ctx, async () => 'readable')).toEqual({ ok: true, detail: 'readable' });
  });

  it('aborts a probe that outlives the timeout and reports a connection failure', async () => {
    const r = await checkWithin(
      ctx,
      (signal) =>
        new Promise<string>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
    );
    expect(r).toMatchObject({ ok: false, failure: 'connection' });
  });

  it('keeps the caller’s own cancellation apart from a timeout', async () => {
    const caller = new AbortController();
    caller.abort(new Error('operator cancelled'));
    const r = await checkWithin({ ...ctx, signal: caller.signal }, async (signal) => {
      throw signal.reason;
    });
    expect(r).toEqual({ ok: false, failure: 'other', detail: 'operator cancelled' });
  });
});
