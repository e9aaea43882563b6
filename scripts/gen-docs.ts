/**
 * Writes the generated documents: `npm run docs`. With `--check`, writes nothing and exits 1
 * when a committed document differs from what the code generates (the docs test does the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GENERATED_DOCS } from './docs/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

let failed = 0;
for (const doc of GENERATED_DOCS) {
  const file = `${root}${doc.file}`;
  let text: string;
  try {
    text = doc.generate();
  } catch (e) {
    // A generator refuses incomplete input (a field without a description); say what, not a stack.
    console.error(`${doc.file}: ${(e as Error).message}`);
    failed++;
    continue;
  }
  if (read(file) === text) continue;
  if (check) {
    console.error(`${doc.file} is out of date: run npm run docs`);
    failed++;
  } else {
    writeFileSync(file, text);
    console.log(`wrote ${doc.file}`);
  }
}
process.exitCode = failed ? 1 : 0;
