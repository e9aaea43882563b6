import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docHash } from '../../pipelines/merge/merge.js';
import { testHub } from '../../test/helpers/hub.js';
import type { Hub } from '../hub.js';
import { MONEY_FIELDS } from '../model/project.js';
import { EXPORT_PAGE, exportLines } from './export.js';

/** Synthetic committed projects, written straight through the store's commit script. */
async function seed(hub: Hub, n: number) {
  for (let i = 0; i < n; i++) {
    const key = `1502032023040${String(i).padStart(5, '0')}`;
    const doc = {
      projectKey: key,
      name: i === 0 ? '=cmd|"项目",一期' : `项目${i}`,
      district: { code: '150203', name: '昆都仑区' },
      sector: '基础设施',
      category: 'fixedAsset',
      stage: 'funded',
      money: Object.fromEntries(MONEY_FIELDS.map((f, j) => [f, j === 0 ? 123456789 + i : null])),
    };
    await hub.store.commitProject(key, '0', doc, docHash(doc), '2025-01-01T00:00:00Z', {}, false, null);
  }
}

describe('export', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await testHub({}, { workers: false });
    await seed(hub, 1203);
  });
  afterAll(() => hub.close());

  it('streams NDJSON page by page: the first lines come before the ledger has been read', async () => {
    let listCalls = 0;
    const orig = hub.store.listProjectKeys.bind(hub.store);
    hub.store.listProjectKeys = (after, limit) => {
      listCalls++;
      expect(limit).toBe(EXPORT_PAGE);
      return orig(after, limit);
    };
    try {
      const it = exportLines(hub.store, 'ndjson');
      const first = (await it.next()).value as string;
      expect(listCalls).toBe(1);
      expect(first.trim().split('\n')).toHaveLength(EXPORT_PAGE);
      let lines = first.trim().split('\n').length;
      for await (const chunk of it) lines += chunk.trim().split('\n').length;
      expect(lines).toBe(1203);
      expect(listCalls).toBe(3);
    } finally {
      hub.store.listProjectKeys = orig;
    }
  });

  it('writes CSV with a header, money in fen and yuan, quoted cells and an optional BOM', async () => {
    let text = '';
    for await (const chunk of exportLines(hub.store, 'csv', { bom: true })) text += chunk;
    expect(text.startsWith('\ufeffprojectKey,name,')).toBe(true);
    const rows = text.slice(1).trimEnd().split('\r\n');
    expect(rows).toHaveLength(1204);
    expect(rows[0]).toContain('totalInvestmentFen');
    expect(rows[0]).toContain('totalInvestmentYuan');
    expect(rows[1]).toContain('"=cmd|""项目"",一期"');
    expect(rows[1]).toContain(',123456789,');
    expect(rows[1]).toContain(',1234567.89,');
  });
});
