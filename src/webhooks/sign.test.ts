import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from './sign.js';

const SECRET = 'whsec-0123456789abcdef';
const BODY = '{"changes":[]}';

describe('webhook signatures', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256 as ledger.md §5 says', () => {
    // Reference value from: printf '%s' '1717200000.{"changes":[]}' | openssl dgst -sha256 -hmac <secret>
    expect(signWebhook(SECRET, '1717200000', BODY)).toBe(
      'sha256=22f7fa6b1ea573debb6abee8379c50f8fb8d152473b90e618a30d8dbfd6534b5',
    );
  });

  it('verifies its own signature and rejects a changed body, timestamp or secret', () => {
    const now = 1717200000_000;
    const sig = signWebhook(SECRET, '1717200000', BODY);
    expect(verifyWebhook(SECRET, '1717200000', BODY, sig, { nowMs: now })).toBe(true);
    expect(verifyWebhook(SECRET, '1717200000', '{"changes":[1]}', sig, { nowMs: now })).toBe(false);
    expect(verifyWebhook(SECRET, '1717200001', BODY, sig, { nowMs: now })).toBe(false);
    expect(verifyWebhook(`${SECRET}x`, '1717200000', BODY, sig, { nowMs: now })).toBe(false);
    expect(verifyWebhook(SECRET, undefined, BODY, sig, { nowMs: now })).toBe(false);
  });

  it('refuses a timestamp outside the tolerance (a captured request replayed later)', () => {
    const sig = signWebhook(SECRET, '1717200000', BODY);
    expect(verifyWebhook(SECRET, '1717200000', BODY, sig, { nowMs: 1717200000_000 + 301_000 })).toBe(false);
    expect(
      verifyWebhook(SECRET, '1717200000', BODY, sig, { nowMs: 1717200000_000 + 301_000, toleranceSec: 600 }),
    ).toBe(true);
  });
});
