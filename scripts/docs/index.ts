import { configMarkdown } from './config.js';
import { openApiJson } from '../../src/api/openapi/index.js';
import { errorsMarkdown } from './errors.js';
import { metricsMarkdown } from './metrics.js';
import { regionOf } from './region.js';

/**
 * The generated documents, by path relative to the repository root. An entry produces the whole
 * file; a region entry (`regionOf`) produces the file with only its marked region regenerated.
 */
export const GENERATED_DOCS: readonly { file: string; generate: () => string }[] = [
  { file: 'docs/errors.md', generate: () => errorsMarkdown() },
  { file: 'docs/configuration.md', generate: () => configMarkdown() },
  { file: 'docs/openapi.json', generate: () => openApiJson() },
  regionOf('README.md', 'metrics', () => metricsMarkdown()),
];
