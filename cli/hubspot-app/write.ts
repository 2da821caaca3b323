// Writes the generated project, refusing to overwrite a folder hubdial did not write.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MARKER_FILE, type AppProject } from './project';

export class FolderNotOursError extends Error {}

export function writeAppProject(outDir: string, project: AppProject): string[] {
  if (existsSync(outDir)) {
    const entries = readdirSync(outDir);
    if (entries.length > 0 && !entries.includes(MARKER_FILE)) {
      throw new FolderNotOursError(
        `${outDir} already exists and was not written by \`hubdial hubspot app\` (no ${MARKER_FILE}); choose another --out or remove it`,
      );
    }
  }
  const written: string[] = [];
  for (const [relative, content] of Object.entries(project.files)) {
    const path = join(outDir, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content, { mode: 0o600 });
    written.push(path);
  }
  return written;
}
