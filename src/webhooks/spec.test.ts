import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { substituteEnv } from '../config/load.js';
import { WebhooksSpec } from './spec.js';

const SECRET = 'a-secret-of-sufficient-length';

describe('webhook configuration', () => {
  it('fills the defaults of ledger.md §5 delivery', () => {
    const [s] = WebhooksSpec.parse([
      { id: 'district-office', url: 'https://hooks.example.org/ledger', secret: SECRET },
    ]);
    expect(s).toEqual({
      id: 'district-office',
      url: 'https://hooks.example.org/ledger',
      secret: SECRET,
      batchSize: 100,
      maxAttempts: 8,
      backoff: { baseMs: 1000, maxMs: 300_000 },
      timeoutMs: 10_000,
      enabled: true,
    });
  });

  it('accepts only http(s) URLs', () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.org/x', 'javascript:alert(1)', 'not a url'])
      expect(WebhooksSpec.safeParse([{ id: 'a', url, secret: SECRET }]).success, url).toBe(false);
    expect(WebhooksSpec.safeParse([{ id: 'a', url: 'http://127.0.0.1:9/x', secret: SECRET }]).success).toBe(
      true,
    );
  });

  it('refuses duplicate ids, ids unfit for a URL, short secrets and empty filters', () => {
    const dup = WebhooksSpec.safeParse([
      { id: 'a', url: 'https://x.org', secret: SECRET },
      { id: 'a', url: 'https://y.org', secret: SECRET },
    ]);
    expect(dup.success).toBe(false);
    expect(dup.error?.issues[0]?.path).toEqual([1, 'id']);
    expect(WebhooksSpec.safeParse([{ id: 'a:b', url: 'https://x.org', secret: SECRET }]).success).toBe(false);
    expect(WebhooksSpec.safeParse([{ id: 'a', url: 'https://x.org', secret: 'short' }]).success).toBe(false);
    expect(
      WebhooksSpec.safeParse([{ id: 'a', url: 'https://x.org', secret: SECRET, filter: { district: [] } }])
        .success,
    ).toBe(false);
  });

  it('the commented example in config/hub.example.yaml is valid', () => {
    // The example stays commented (its secret variable is not set where the file is loaded), so it
    // is checked here instead of by the config test.
    const text = readFileSync('config/hub.example.yaml', 'utf8');
    const block = text.slice(text.indexOf('entries like these:'), text.indexOf('\nwebhooks: []'));
    const yaml = block
      .split('\n')
      .slice(1)
      .map((l) => l.replace(/^# {3}/, ''))
      .join('\n');
    const raw = substituteEnv(parseYaml(yaml), { KUNDULUN_WEBHOOK_SECRET: SECRET });
    const [s] = WebhooksSpec.parse(raw);
    expect(s).toMatchObject({ id: 'kundulun-office', filter: { district: ['150203'] }, maxAttempts: 8 });
  });
});
