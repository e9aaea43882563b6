/** Command-line flags of `npm run bench`. */
export interface BenchArgs {
  projects: number;
  out: string;
  pushSeconds: number;
  pushRate: number;
  pushBatch: number;
  liveRate: number;
  liveSeconds: number;
  liveLoad: number;
  apiSeconds: number;
  apiConnections: number;
  seed: number;
}

const DEFAULTS: BenchArgs = {
  projects: 20_000,
  out: 'bench/results.json',
  pushSeconds: 30,
  pushRate: 1_000,
  pushBatch: 10,
  liveRate: 20,
  liveSeconds: 10,
  liveLoad: 100_000,
  apiSeconds: 10,
  apiConnections: 50,
  seed: 20241001,
};

const FLAGS: Record<string, keyof BenchArgs> = {
  '--projects': 'projects',
  '--out': 'out',
  '--push-seconds': 'pushSeconds',
  '--push-rate': 'pushRate',
  '--push-batch': 'pushBatch',
  '--live-rate': 'liveRate',
  '--live-seconds': 'liveSeconds',
  '--live-load': 'liveLoad',
  '--api-seconds': 'apiSeconds',
  '--api-connections': 'apiConnections',
  '--seed': 'seed',
};

export function parseArgs(argv: string[]): BenchArgs {
  const out: BenchArgs = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const key = FLAGS[flag];
    if (!key) throw new Error(`unknown flag ${flag}; known: ${Object.keys(FLAGS).join(' ')}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (key === 'out') out.out = value;
    else {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number`);
      out[key] = n;
    }
  }
  return out;
}
