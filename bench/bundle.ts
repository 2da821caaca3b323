// The webhook bundle's size and cold import time, from bench/bundle-size.ts (written
// separately). It runs as its own process: it builds with esbuild and starts fresh Node
// processes, and doing that beside the import run would disturb the timings.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface BundleFigures {
  /** The script's own lines, shown as they are. */
  lines: string[];
  /** Picked out of those lines for the README snippet, when found. */
  bundle?: string;
  coldImport?: string;
  error?: string;
}

const SCRIPT = join(__dirname, 'bundle-size.ts');
const TSX = join(__dirname, '..', 'node_modules', '.bin', 'tsx');

export async function measureWebhookBundle(): Promise<BundleFigures> {
  if (!existsSync(SCRIPT)) return { lines: [], error: 'bench/bundle-size.ts is not there yet' };
  const output = await new Promise<{ stdout: string; error?: string }>((resolve) => {
    execFile(TSX, [SCRIPT], { cwd: join(__dirname, '..'), timeout: 120_000, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({
        stdout,
        error: err ? `${err.message.split('\n')[0]}${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}` : undefined,
      });
    });
  });
  const lines = output.stdout
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean);
  const value = (label: RegExp) =>
    lines
      .find((l) => label.test(l))
      ?.replace(label, '')
      .trim();
  return { lines, bundle: value(/^bundle\s+/), coldImport: value(/^cold import\s+/), error: output.error };
}
