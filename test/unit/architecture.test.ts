import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// The import boundaries of docs/architecture.md ("Rooms"), checked on the source text:
// core is pure, handlers reach the outside world only through ports (the composition
// root in functions/commons picks the adapters), and the CDK app in lib/ takes from the
// runtime code only the data it must agree with.

const ROOT = resolve(__dirname, '../..');

/**
 * Packages core may use. All compute without I/O: node:crypto for hashes, HMACs and
 * random ids; luxon for zoned time; valibot for input schemas; libphonenumber-js for
 * numbers. A new one belongs here only if it is as pure (no network, files or clock).
 */
const CORE_PACKAGES = new Set(['node:crypto', 'luxon', 'valibot', 'libphonenumber-js', 'libphonenumber-js/max']);

/** Outside systems' SDKs: only adapters (and the composition root that builds their clients) touch them. */
const SDK = /^(@aws-sdk|@smithy|@hubspot)\//;

/**
 * What lib/ may take from functions/: the table's keys and indexes (the CDK table must
 * match what the store reads) and the model's constants (the metric filters name the
 * call statuses). Never a handler, an adapter with logic, or an SDK client.
 */
// The admin route list too: the CDK routes exactly the routes the admin handler answers.
const LIB_MAY_IMPORT = [/^functions\/adapters\/(.+\/)?table-definition$/, /^functions\/core\/model$/, /^functions\/core\/admin-contract$/];

interface Import {
  /** The specifier as written. */
  spec: string;
  /** For a relative specifier: the target, relative to the repository root, without extension. */
  target?: string;
}

interface Rule {
  name: string;
  room: string;
  allows(imp: Import): boolean;
}

const RULES: Rule[] = [
  {
    name: 'functions/core imports nothing outside core but pure packages',
    room: 'functions/core/',
    allows: (imp) => (imp.target !== undefined ? imp.target.startsWith('functions/core/') : CORE_PACKAGES.has(imp.spec)),
  },
  {
    name: 'handlers import core, ports and commons, never a concrete adapter or an SDK',
    room: 'functions/handlers/',
    allows: (imp) => (imp.target !== undefined ? !imp.target.startsWith('functions/adapters/') : !SDK.test(imp.spec)),
  },
  {
    name: 'admin use cases import core, ports and commons, never a handler, a concrete adapter or an SDK',
    room: 'functions/services/',
    allows: (imp) =>
      imp.target !== undefined
        ? !imp.target.startsWith('functions/adapters/') && !imp.target.startsWith('functions/handlers/')
        : !SDK.test(imp.spec),
  },
  {
    name: 'adapters never import a handler or the composition root',
    room: 'functions/adapters/',
    allows: (imp) =>
      imp.target === undefined || !(imp.target.startsWith('functions/handlers/') || /^functions\/commons\/(base-)?deps$/.test(imp.target)),
  },
  {
    name: 'lib imports from functions only the table definition, the model and the admin route list',
    room: 'lib/',
    allows: (imp) =>
      imp.target === undefined || !imp.target.startsWith('functions/') || LIB_MAY_IMPORT.some((re) => re.test(imp.target ?? '')),
  },
];

/** Every module specifier in a TypeScript source: static, type-only, re-export, side-effect, dynamic, require. */
function importsOf(file: string, source: string): Import[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  const specs = patterns.flatMap((re) => [...code.matchAll(re)].map((m) => m[1] as string));
  return specs.map((spec) =>
    spec.startsWith('.')
      ? { spec, target: relative(ROOT, resolve(dirname(join(ROOT, file)), spec)).replace(/\.(ts|js|mjs)$/, '') }
      : { spec },
  );
}

function violations(rule: Rule, file: string, source: string): string[] {
  return importsOf(file, source)
    .filter((imp) => !rule.allows(imp))
    .map((imp) => `${file} imports '${imp.spec}'`);
}

function sourcesIn(room: string): string[] {
  return (readdirSync(join(ROOT, room), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(room, f));
}

/** Every module a file reaches through relative imports (repository paths without extension), and the packages on the way. */
function reachable(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    let source: string;
    try {
      source = readFileSync(join(ROOT, `${file}.ts`), 'utf8');
    } catch {
      source = readFileSync(join(ROOT, file, 'index.ts'), 'utf8');
    }
    for (const imp of importsOf(`${file}.ts`, source)) {
      if (imp.target !== undefined) todo.push(imp.target);
      else packages.add(imp.spec);
    }
  }
  return { files, packages };
}

describe('import boundaries', () => {
  // The embedded default's SQLite adapters and their wiring are for `npm start` only: no
  // Lambda bundle may carry them (node:sqlite is not even there on every Lambda runtime).
  it.each(readdirSync(join(ROOT, 'functions/handlers')).filter((f) => f.endsWith('.ts')))(
    'the Lambda handler %s never reaches SQLite or the embedded wiring',
    (file) => {
      const { files, packages } = reachable(`functions/handlers/${file.replace(/\.ts$/, '')}`);
      expect(files.size).toBeGreaterThan(3);
      expect([...files].filter((f) => f.startsWith('functions/adapters/sqlite/') || f === 'functions/commons/embedded-deps')).toEqual([]);
      expect([...packages].filter((p) => p === 'node:sqlite')).toEqual([]);
    },
  );

  it('sees the embedded wiring reach SQLite (the check above can fail)', () => {
    const { files, packages } = reachable('functions/commons/embedded-deps');
    expect(files.has('functions/adapters/sqlite/sqlite-store')).toBe(true);
    expect(packages.has('node:sqlite')).toBe(true);
  });

  it.each(RULES.map((rule) => [rule.name, rule] as const))('%s', (_name, rule) => {
    const files = sourcesIn(rule.room);
    expect(files.length).toBeGreaterThan(2);
    const found = files.flatMap((file) => violations(rule, file, readFileSync(join(ROOT, file), 'utf8')));
    expect(found).toEqual([]);
  });

  // The checker itself: each way of writing an import is seen, so a rule above cannot
  // pass because the parser missed the line.
  it('sees every form of import the rules judge', () => {
    const [core, handlers, , , lib] = RULES as [Rule, Rule, Rule, Rule, Rule];
    const sample = [
      "import { createDynamoStore } from '../adapters/dynamo-store';",
      "import type {\n  Store,\n} from '../adapters/voice/registry';",
      "export { thing } from '../commons/http';",
      "import '../adapters/side-effect';",
      "const m = await import('@aws-sdk/client-sqs');",
      "const d = require('node:fs');",
      "import { fine } from './model';",
      '// import { commented } from "../adapters/hubspot";',
    ].join('\n');
    expect(violations(core, 'functions/core/sample.ts', sample)).toEqual([
      "functions/core/sample.ts imports '../adapters/dynamo-store'",
      "functions/core/sample.ts imports '../adapters/voice/registry'",
      "functions/core/sample.ts imports '../commons/http'",
      "functions/core/sample.ts imports '../adapters/side-effect'",
      "functions/core/sample.ts imports '@aws-sdk/client-sqs'",
      "functions/core/sample.ts imports 'node:fs'",
    ]);
    expect(violations(handlers, 'functions/handlers/sample.ts', sample)).toEqual([
      "functions/handlers/sample.ts imports '../adapters/dynamo-store'",
      "functions/handlers/sample.ts imports '../adapters/voice/registry'",
      "functions/handlers/sample.ts imports '../adapters/side-effect'",
      "functions/handlers/sample.ts imports '@aws-sdk/client-sqs'",
    ]);
    expect(
      violations(lib, 'lib/constructs/x.ts', "import { TABLE_KEYS } from '../../functions/adapters/dynamodb/table-definition';"),
    ).toEqual([]);
    expect(
      violations(lib, 'lib/constructs/x.ts', "import { createDynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';"),
    ).toEqual(["lib/constructs/x.ts imports '../../functions/adapters/dynamodb/dynamo-store'"]);
  });
});
