/**
 * `npm run bench -- nexmark [--events N] [--query qN] [--rate R] [--scaling] ...`: the Nexmark
 * suite (bench/nexmark/). Prints a table, writes bench/results/nexmark.json and docs/nexmark.svg,
 * then one JSON line `{"bench":"nexmark","figures":{...},"ratios":{...}}`.
 */
import { runNexmark } from './nexmark/index.js';

export async function run(args: string[]): Promise<void> {
  await runNexmark(args);
}
