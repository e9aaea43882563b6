import { z } from 'zod';
import { CONNECTORS } from '../../connectors/index.js';
import { WebhooksSpec } from '../webhooks/spec.js';

/** The hub configuration file (YAML). Every field documents itself; docs/configuration.md is generated from it. */

export const Scope = z.enum(['ledger:read', 'admin']);
export type Scope = z.infer<typeof Scope>;

export const ApiKeySpec = z.object({
  name: z.string().min(1).describe('Who holds the key (shown in logs, never the key itself).'),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, { error: 'expected the hex SHA-256 of the key (64 lower-case hex characters)' })
    .describe('Hex SHA-256 of the key; the key itself is never stored. `hub keys hash <key>` prints it.'),
  scopes: z
    .array(Scope)
    .min(1)
    .describe('ledger:read (projects, changes, stats, export, unlinked) and/or admin (everything).'),
});

const connectorsShape = Object.fromEntries(
  Object.entries(CONNECTORS).map(([id, c]) => [id, c.spec.optional().describe(`Connector for ${c.title}.`)]),
) as { [K in keyof typeof CONNECTORS]: z.ZodOptional<(typeof CONNECTORS)[K]['spec']> };

export const HubConfigSchema = z.object({
  redis: z
    .object({
      url: z
        .string()
        .optional()
        .describe(
          'redis:// URL of an external Redis (REDIS_URL overrides it). Absent: the hub starts an embedded redis-server.',
        ),
      cluster: z
        .object({
          nodes: z
            .array(z.url({ protocol: /^rediss?$/ }))
            .min(1)
            .describe(
              'redis:// URLs of some masters (the rest is discovered); user and password, if any, apply to every node.',
            ),
        })
        .strict()
        .optional()
        .describe('Redis Cluster instead of `url`: the ledger lives in one slot, each queue in its own.'),
      sentinel: z
        .object({
          name: z.string().min(1).describe('Name of the monitored master (`sentinel monitor <name> …`).'),
          sentinels: z
            .array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port'))
            .min(1)
            .describe('host:port of the Sentinels to ask for the current master.'),
          username: z.string().optional().describe('ACL user of the master and its replicas.'),
          password: z.string().optional().describe('Password of the master and its replicas (a secret).'),
          sentinelPassword: z
            .string()
            .optional()
            .describe('Password of the Sentinels themselves (a secret).'),
          db: z.number().int().min(0).default(0).describe('Database number on the master.'),
        })
        .strict()
        .optional()
        .describe('Redis Sentinel instead of `url`: connections follow the master across a failover.'),
      prefix: z
        .string()
        .regex(/^[a-z0-9_-]+$/i)
        .default('hub')
        .describe('Prefix of every key and queue; lets several hubs share one Redis.'),
      appendfsync: z
        .enum(['always', 'everysec'])
        .default('everysec')
        .describe(
          'Embedded Redis only: AOF fsync policy (always = no acknowledged write is ever lost, slower).',
        ),
    })
    .refine((r) => [r.url, r.cluster, r.sentinel].filter((x) => x !== undefined).length <= 1, {
      message: 'set one of url, cluster and sentinel',
    })
    .default({ prefix: 'hub', appendfsync: 'everysec' })
    .describe('Where the queues and the ledger live.'),
  data: z
    .object({
      dir: z
        .string()
        .default('./data')
        .describe('Data directory; the embedded Redis keeps its files in <dir>/redis.'),
    })
    .default({ dir: './data' })
    .describe('Where the hub keeps files on disk.'),
  api: z
    .object({
      host: z.string().default('127.0.0.1').describe('Interface the API listens on.'),
      port: z
        .number()
        .int()
        .min(0)
        .max(65535)
        .default(8080)
        .describe('TCP port of the API (0 = any free port).'),
      keys: z.array(ApiKeySpec).default([]).describe('API keys, stored as hashes.'),
      rateLimit: z
        .object({
          perMinute: z.number().int().positive().default(600).describe('Requests per minute per API key.'),
        })
        .default({ perMinute: 600 })
        .describe('Per-key rate limit (429 with Retry-After beyond it).'),
    })
    .default({ host: '127.0.0.1', port: 8080, keys: [], rateLimit: { perMinute: 600 } })
    .describe('The downstream REST API.'),
  workers: z
    .object({
      concurrency: z
        .number()
        .int()
        .min(1)
        .max(256)
        .default(4)
        .describe('Jobs processed at once per stage per process.'),
      stages: z
        .array(z.enum(['ingest', 'normalize', 'link', 'merge', 'publish']))
        .default(['ingest', 'normalize', 'link', 'merge', 'publish'])
        .describe('Stages this process works on (hub worker --stages overrides).'),
      lockDurationMs: z
        .number()
        .int()
        .min(1000)
        .default(30_000)
        .describe(
          'How long a worker holds a job before another may take it over; a killed worker’s jobs return after about this long.',
        ),
      stalledIntervalMs: z
        .number()
        .int()
        .min(500)
        .default(30_000)
        .describe('How often workers look for jobs whose holder died (BullMQ stalled-job check).'),
      mergeDeferBacklog: z
        .number()
        .int()
        .min(1)
        .default(20)
        .describe(
          'While at least this many normalize and link jobs wait, projects are merged once when the backlog clears instead of after every batch of their records.',
        ),
      mergeDeferMaxMs: z
        .number()
        .int()
        .min(1_000)
        .default(1_800_000)
        .describe(
          'The longest a deferred merge waits for the backlog to clear: past it, the projects left waiting are merged while the load goes on. Each such round merges every project waiting, and again as more of their records arrive: a version more of each, with its history and change-feed entry, so a short cap costs memory and CPU (README, Performance and scale). Live changes (pushes, manual links) are never deferred. It also bounds how long a run of a load (`hub sync --all`) waits for the earlier waves.',
        ),
      ingestBacklog: z
        .number()
        .int()
        .min(1)
        .default(100)
        .describe(
          "A connector run fetches its next page only while fewer than this many pages wait for normalization, so a full sync never holds a whole source in Redis (the sources' cursors and tokens do not expire while a run waits).",
        ),
      heapGrowthPercent: z
        .number()
        .int()
        .min(0)
        .max(1_000)
        .default(100)
        .describe(
          "How far a process that runs pipeline workers lets its heap grow past what survived the last full garbage collection, in percent (0: V8's own choice, up to 300). The live heap is nearly flat with the ledger; the slack is most of a worker's peak memory (README, Performance and scale). Lower costs more collections.",
        ),
      mergeCacheRecords: z
        .number()
        .int()
        .min(0)
        .default(0)
        .describe(
          'Parsed records a merge worker keeps between merges (0: none), so re-merging a project for one changed record does not read and parse its other records again. About 0.7 KB of heap each; worth it only when it holds the records of the projects that receive pushes (about 33 each): smaller, it misses and costs CPU and memory.',
        ),
    })
    .default({
      concurrency: 4,
      stages: ['ingest', 'normalize', 'link', 'merge', 'publish'],
      lockDurationMs: 30_000,
      stalledIntervalMs: 30_000,
      mergeDeferBacklog: 20,
      mergeDeferMaxMs: 1_800_000,
      ingestBacklog: 100,
      heapGrowthPercent: 100,
      mergeCacheRecords: 0,
    })
    .describe('Pipeline workers.'),
  log: z
    .object({
      level: z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
        .default('info')
        .describe('pino log level.'),
    })
    .default({ level: 'info' })
    .describe('Logging: pino JSON lines on stdout (pretty on a terminal); secrets are redacted.'),
  ledger: z
    .object({
      checklists: z
        .string()
        .optional()
        .describe(
          'YAML file with the archive checklists (evidence, stage, categories); absent: the defaults of ledger.md, as in config/checklists.yaml.',
        ),
      findings: z
        .object({
          stalledDays: z
            .number()
            .int()
            .positive()
            .default(180)
            .describe('STALLED: days without progress or payment in construction.'),
          assetNotRecordedDays: z
            .number()
            .int()
            .positive()
            .default(180)
            .describe('ASSET_NOT_RECORDED: days after completion without an asset card.'),
          evaluationOverdueDays: z
            .number()
            .int()
            .positive()
            .default(365)
            .describe('EVALUATION_OVERDUE: days after completion without a performance evaluation.'),
        })
        .default({ stalledDays: 180, assetNotRecordedDays: 180, evaluationOverdueDays: 365 })
        .describe('Thresholds of the reconciliation findings (ledger.md §3).'),
      priority: z
        .object({
          band1: z
            .number()
            .default(1000)
            .describe('Score of band 1: under construction, continuing or stalled works.'),
          band2: z.number().default(500).describe('Score of band 2: pre-approvals complete, ready to start.'),
          band3: z.number().default(0).describe('Score of band 3: everything else.'),
          progressPoint: z
            .number()
            .default(2)
            .describe('Score per percentage point of construction progress.'),
          stalled: z
            .number()
            .default(150)
            .describe('Extra score for stalled half-finished works (半拉子工程).'),
          preApproval: z
            .number()
            .default(50)
            .describe('Score per pre-approval present (approval, land use, construction permit).'),
        })
        .default({ band1: 1000, band2: 500, band3: 0, progressPoint: 2, stalled: 150, preApproval: 50 })
        .describe('Weights of the funding priority (以成熟度统筹项目建设).'),
    })
    .default({
      findings: { stalledDays: 180, assetNotRecordedDays: 180, evaluationOverdueDays: 365 },
      priority: { band1: 1000, band2: 500, band3: 0, progressPoint: 2, stalled: 150, preApproval: 50 },
    })
    .describe('Rules of the ledger: archive checklists, finding thresholds, funding priority.'),
  connectors: z.object(connectorsShape).default({}).describe('Source systems, by id.'),
  webhooks: WebhooksSpec,
});

export type HubConfig = z.infer<typeof HubConfigSchema>;
