import { describe, expect, it } from 'vitest';
import { renderStatusPage, type StatusData } from './page.js';

const data: StatusData = {
  generatedAt: '2026-11-24T04:00:00Z',
  connectors: [
    {
      id: 'budget',
      title: '预算管理一体化平台',
      enabled: true,
      lastSuccess: '2026-11-24T03:59:00Z',
      nextRun: null,
      lagSeconds: 60,
      lastFetched: 867,
      lastError: null,
      running: false,
    },
    {
      id: 'trading',
      title: '公共资源交易中心',
      enabled: true,
      lastSuccess: null,
      nextRun: null,
      lagSeconds: null,
      lastFetched: null,
      lastError: 'HUB_SOURCE_TRANSIENT: trading answered HTTP 503',
      running: false,
    },
  ],
  queues: [{ stage: 'link', waiting: 3, active: 1, delayed: 0, failed: 2 }],
  ledger: {
    projects: 1816,
    systems: [
      { system: 'budget', received: 9000, linked: 8000, unlinked: 0, quarantined: 12, superseded: 988 },
    ],
  },
  findings: [{ code: 'STALLED', count: 7 }],
  deadLetters: [
    {
      id: 'job:link:1',
      origin: 'pipeline',
      where: 'link',
      error: '<script>alert(1)</script>',
      at: '2026-11-24T03:00:00Z',
    },
  ],
};

describe('status page', () => {
  it('shows connectors, queues, ledger counts, findings and dead letters, without scripts', () => {
    const html = renderStatusPage(data);
    expect(html).toContain('<b id="projects">1,816</b>');
    expect(html).toContain('HUB_SOURCE_TRANSIENT: trading answered HTTP 503');
    expect(html).toMatch(/<td>STALLED<\/td><td class="num">7<\/td>/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(html).toMatch(/<td class="ok">ok<\/td>/);
    expect(html).toMatch(/<td class="bad">failing<\/td>/);
  });
  it('says when there is nothing to show', () => {
    const html = renderStatusPage({ ...data, findings: [], deadLetters: [] });
    expect(html).toContain('No findings.');
    expect(html).toContain('No dead letters.');
  });
});
