// Webhook Lambda bundle: size, and how long Node 22 takes to load it cold (the part of a
// Lambda cold start the bundle controls; HubSpot allows 5 s for the whole reply).
//
//   npx tsx bench/bundle-size.ts [runs] [handler]     (defaults: 9 runs, webhook)
//
// Builds with the stack's own esbuild options (lib/bundling.ts), then starts a fresh
// `node --enable-source-maps` per run (as Lambda sets NODE_OPTIONS) that times only
// `require(bundle)` with performance.now(); process start-up is reported separately.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { esbuildOptions, handlerEntry, HANDLER_NAMES, NODE_TARGET, type HandlerName } from '../lib/bundling';

const runs = Math.max(1, Number(process.argv[2] ?? 9) || 9);
const handler = (process.argv[3] ?? 'webhook') as HandlerName;
if (!HANDLER_NAMES.includes(handler)) throw new Error(`handler must be one of ${HANDLER_NAMES.join(', ')}`);

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
// The issue's targets for the webhook (README "Benchmarks"); printed beside the figures, never asserted.
const TARGET_BYTES = 800_000;
const TARGET_IMPORT_MS = 120;
const ms = (x: number) => `${x.toFixed(1)} ms`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function timeInFreshNode(script: string): { inside: number; wall: number } {
  const started = process.hrtime.bigint();
  const out = execFileSync(process.execPath, ['--enable-source-maps', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  return { inside: Number(out.trim()), wall };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hubdial-bench-'));
  try {
    const outfile = join(dir, 'index.js');
    const buildStarted = performance.now();
    await build(esbuildOptions(handlerEntry(handler), outfile));
    const buildMs = performance.now() - buildStarted;
    const bytes = statSync(outfile).size;
    const gzipped = gzipSync(readFileSync(outfile)).length;

    const load = `const t = performance.now(); const m = require(${JSON.stringify(outfile)}); const d = performance.now() - t; if (typeof m.handler !== 'function') process.exit(2); process.stdout.write(String(d));`;
    const empty = `process.stdout.write('0')`;
    const loads = Array.from({ length: runs }, () => timeInFreshNode(load));
    const baselines = Array.from({ length: runs }, () => timeInFreshNode(empty).wall);

    console.log(
      `handler            ${handler} (${process.version}, target ${NODE_TARGET}, minified, cjs, as deployed; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores)`,
    );
    console.log(`build time         ${ms(buildMs)}`);
    const importMedian = median(loads.map((l) => l.inside));
    const verdict = (ok: boolean, target: string) => `${ok ? 'under' : 'OVER'} the ${target} target`;
    console.log(
      `bundle             ${(bytes / 1000).toFixed(1)} KB = ${bytes} bytes minified (${kib(bytes)}, gzip ${kib(gzipped)}), source map ${kib(statSync(`${outfile}.map`).size)}; ${verdict(bytes < TARGET_BYTES, `${TARGET_BYTES / 1000} KB`)}`,
    );
    console.log(
      `cold import        median ${ms(importMedian)}, min ${ms(Math.min(...loads.map((l) => l.inside)))}  (require() only, ${runs} fresh processes); ${verdict(importMedian < TARGET_IMPORT_MS, `${TARGET_IMPORT_MS} ms`)}`,
    );
    console.log(
      `process + import   min ${ms(Math.min(...loads.map((l) => l.wall)))}, median ${ms(median(loads.map((l) => l.wall)))}  (empty node: median ${ms(median(baselines))})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
