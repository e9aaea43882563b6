import {
  LABEL_MEANINGS,
  METRIC_LABELS,
  METRICS_CATALOGUE,
  type MetricSpec,
} from '../../src/metrics/catalogue.js';
import { cell, code, generatedBanner, table } from './markdown.js';

const SOURCE: Record<MetricSpec['source'], string> = {
  event: 'this process',
  scrape: 'Redis',
};

function labelsOf(m: MetricSpec): string {
  if (m.labels.length === 0) return '—';
  return m.labels
    .map((l) => (l === 'state' && m.states ? `${code(l)}: ${m.states.map(code).join(', ')}` : code(l)))
    .join('<br>');
}

/** The README's metrics table and label legend, from src/metrics/catalogue.ts. */
export function metricsMarkdown(catalogue: readonly MetricSpec[] = METRICS_CATALOGUE): string {
  const rows = table(
    ['Metric', 'Type', 'Labels', 'Source', 'Meaning'],
    catalogue.map((m) => [code(m.name), m.type, labelsOf(m), SOURCE[m.source], cell(m.help)]),
  );
  const legend = METRIC_LABELS.map((l) => `- ${code(l)}: ${LABEL_MEANINGS[l]}`);
  return [generatedBanner('src/metrics/catalogue.ts'), '', rows, '', 'Labels:', '', ...legend].join('\n');
}
