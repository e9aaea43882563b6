// Run by heapGrowth.test.ts in a fresh process: applies a growth percent, then allocates objects
// that survive young-generation collections and die in the old one (as a worker's parsed
// records do), and prints the largest heap V8 sized for that.
import { applyHeapGrowth } from '../../src/cli/heapGrowth.js';

applyHeapGrowth(Number(process.argv[2]));
const live: object[] = [];
for (let i = 0; i < 300_000; i++) live.push({ name: `entry-${i}`, pair: [i, i + 1] });
const recent: object[] = new Array(300_000);
let peak = 0;
for (let i = 0; i < 5_000_000; i++) {
  recent[i % recent.length] = { s: `r${i}`, a: [i, i, i, i] };
  if (i % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().heapTotal);
}
process.stdout.write(JSON.stringify({ peak, live: live.length }));
