import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRICS_CATALOGUE, type MetricNameOf, type MetricSpec } from './catalogue.js';

/** Fills a scrape-time gauge: reset it, then set the current values. */
export type GaugeCollector = (gauge: Gauge) => Promise<void>;

/** One collector for every `scrape` gauge of the catalogue, so none can be left unfilled. */
export type Collectors = Record<MetricNameOf<'gauge', 'scrape'>, GaugeCollector>;

export interface BuiltMetrics {
  counter(name: MetricNameOf<'counter'>): Counter;
  gauge(name: MetricNameOf<'gauge'>): Gauge;
  histogram(name: MetricNameOf<'histogram'>): Histogram;
}

/** Registers every catalogue entry on `registry`, each scrape gauge with its collector. */
export function buildMetrics(
  registry: Registry,
  collectors: Collectors,
  catalogue: readonly MetricSpec[] = METRICS_CATALOGUE,
): BuiltMetrics {
  const built = new Map<string, Counter | Gauge | Histogram>();
  for (const spec of catalogue) {
    const base = { name: spec.name, help: spec.help, labelNames: spec.labels, registers: [registry] };
    if (spec.type === 'counter') built.set(spec.name, new Counter(base));
    else if (spec.type === 'histogram')
      built.set(spec.name, new Histogram({ ...base, buckets: [...(spec.buckets ?? [])] }));
    else {
      const collect = spec.source === 'scrape' ? collectors[spec.name as keyof Collectors] : undefined;
      if (spec.source === 'scrape' && !collect) throw new Error(`no collector for ${spec.name}`);
      built.set(
        spec.name,
        new Gauge({
          ...base,
          ...(collect
            ? {
                async collect(this: Gauge) {
                  await collect(this);
                },
              }
            : {}),
        }),
      );
    }
  }
  const get = <M>(name: string, type: new (...args: never[]) => M): M => {
    const m = built.get(name);
    if (!(m instanceof type)) throw new Error(`${name} is not a ${type.name} of the catalogue`);
    return m;
  };
  return {
    counter: (name) => get(name, Counter),
    gauge: (name) => get(name, Gauge),
    histogram: (name) => get(name, Histogram),
  };
}
