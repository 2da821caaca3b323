#!/usr/bin/env node
// `npx hubdial ...` entry: loads the TypeScript CLI through tsx, so nothing is built first.
// npx puts node_modules/.bin first on PATH, so `env node` is the pinned Node 22 (the `node`
// devDependency). Started by another Node (the machine's own 20, running this file by path
// or through a global link), it runs itself again under the pinned one instead of loading
// the CLI on a Node it was never tested on.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const PINNED_MAJOR = 22;

if (Number(process.versions.node.split('.')[0]) === PINNED_MAJOR) {
  const { tsImport } = await import('tsx/esm/api');
  const { run } = await tsImport('./main.ts', import.meta.url);
  process.exitCode = await run(process.argv.slice(2));
} else {
  const pinned = createRequire(import.meta.url).resolve('node/bin/node');
  const child = spawn(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  // Ctrl-C reaches the child through the terminal; a kill sent to this process is passed on.
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  process.on('SIGINT', () => undefined);
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exitCode = code ?? 1;
  });
}
