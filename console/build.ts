// Builds the console (console/src) into three static files held in memory: index.html,
// app.js, app.css. Built when first asked for, by whoever serves it (the admin listener
// on `npm start`, `hubdial console`), so the page always matches the checkout and
// `npm install && npm start` needs no separate build step. Nothing is fetched from a
// CDN: Preact and signals are bundled in.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface ConsoleFile {
  contentType: string;
  body: string;
}
export type ConsoleFiles = Map<string, ConsoleFile>;

const SRC = join(__dirname, 'src');

export async function buildConsole(): Promise<ConsoleFiles> {
  const out = await build({
    entryPoints: [join(SRC, 'main.tsx')],
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    target: 'es2020',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: '/console',
    logLevel: 'silent',
  });
  const js = out.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '';
  const css = readFileSync(join(SRC, 'app.css'), 'utf8');
  const html = readFileSync(join(SRC, 'index.html'), 'utf8');
  return new Map([
    ['/index.html', { contentType: 'text/html; charset=utf-8', body: html }],
    ['/app.js', { contentType: 'text/javascript; charset=utf-8', body: js }],
    ['/app.css', { contentType: 'text/css; charset=utf-8', body: css }],
  ]);
}

/** Bytes on the wire when every file is gzipped, the figure the 150 KB budget is about. */
export function gzippedSize(files: ConsoleFiles): number {
  let total = 0;
  for (const file of files.values()) total += gzipSync(file.body).length;
  return total;
}

let cached: Promise<ConsoleFiles> | undefined;
export function consoleFiles(): Promise<ConsoleFiles> {
  cached ??= buildConsole().catch((err) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

/** The file for a GET path: assets by name, any other path the app itself (deep links). */
export async function consoleFileFor(path: string): Promise<ConsoleFile> {
  const files = await consoleFiles();
  return files.get(path) ?? (files.get('/index.html') as ConsoleFile);
}

if (require.main === module) {
  void buildConsole().then((files) => {
    for (const [name, f] of files) console.log(`${name}  ${Buffer.byteLength(f.body)} bytes, ${gzipSync(f.body).length} gzipped`);
    console.log(`console total: ${(gzippedSize(files) / 1024).toFixed(1)} KB gzipped (budget 150 KB)`);
  });
}
