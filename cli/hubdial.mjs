#!/usr/bin/env node
// `npx hubdial ...` entry: loads the TypeScript CLI through tsx, so nothing is built first.
import { tsImport } from 'tsx/esm/api';

const { run } = await tsImport('./main.ts', import.meta.url);
process.exitCode = await run(process.argv.slice(2));
