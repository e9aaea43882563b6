import { configMarkdown } from './config.js';
import { errorsMarkdown } from './errors.js';

/** The generated documents, by path relative to the repository root. */
export const GENERATED_DOCS: readonly { file: string; generate: () => string }[] = [
  { file: 'docs/errors.md', generate: () => errorsMarkdown() },
  { file: 'docs/configuration.md', generate: () => configMarkdown() },
];
