import { z } from 'zod';

/** The six source systems, by the ids their documents use as path prefixes. */
export const SYSTEMS = ['budget', 'oa', 'asset', 'benefit', 'smartcity', 'trading'] as const;
export const SystemId = z.enum(SYSTEMS);
export type SystemId = z.infer<typeof SystemId>;

/** Record kinds per system. A record's identity is (system, kind, sourceId). */
export const KINDS = {
  budget: ['project', 'indicator', 'payment', 'finalAccount', 'evaluation'],
  oa: ['document'],
  asset: ['assetCard'],
  benefit: ['subsidy'],
  smartcity: ['site', 'progress', 'snapshot', 'dustAlert'],
  trading: ['tender', 'award', 'contract'],
} as const satisfies Record<SystemId, readonly string[]>;

export type RecordKind = (typeof KINDS)[SystemId][number];
export const RecordKind = z.enum([
  'project',
  'indicator',
  'payment',
  'finalAccount',
  'evaluation',
  'document',
  'assetCard',
  'subsidy',
  'site',
  'progress',
  'snapshot',
  'dustAlert',
  'tender',
  'award',
  'contract',
]);

/** Division codes of the region (sources/README.md). */
export const DIVISIONS: Record<string, string> = {
  '150200': '包头市',
  '150202': '东河区',
  '150203': '昆都仑区',
  '150204': '青山区',
  '150205': '石拐区',
  '150206': '白云鄂博矿区',
  '150207': '九原区',
  '150221': '土默特右旗',
  '150222': '固阳县',
  '150223': '达尔罕茂明安联合旗',
};
