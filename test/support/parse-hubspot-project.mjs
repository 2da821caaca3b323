// Runs HubSpot's own project parser (the one `hs project upload` runs first) on a project
// folder and prints what it found. A child process, because the parser is an ES module.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LATEST_SUPPORTED_PLATFORM_VERSION, isKnownPlatformVersion, validateProjectConfig } from '@hubspot/project-parsing-lib/projects';
import { translate } from '@hubspot/project-parsing-lib/translate';

const dir = process.argv[2];
const config = JSON.parse(readFileSync(join(dir, 'hsproject.json'), 'utf8'));
let configError = null;
try {
  validateProjectConfig(config, dir);
} catch (err) {
  configError = String(err?.message ?? err);
}
const result = await translate(
  { projectSourceDir: join(dir, config.srcDir), platformVersion: config.platformVersion },
  { skipValidation: true },
);
process.stdout.write(
  JSON.stringify({
    latest: LATEST_SUPPORTED_PLATFORM_VERSION,
    known: isKnownPlatformVersion(config.platformVersion),
    configError,
    skipped: result.skippedHsMetaFiles,
    nodes: result.intermediateRepresentation.intermediateNodesIndexedByUid,
  }),
);
