import { join, resolve } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

// One description of how a handler becomes a Lambda bundle, read by the stack
// (NodejsFunction), the bundling test and the bundle-size benchmark, so what is measured
// is what is deployed.

export const PROJECT_ROOT = resolve(__dirname, '..');

export type HandlerName = 'webhook' | 'call-status' | 'admin' | 'dial' | 'sweeper';

export const HANDLER_NAMES: HandlerName[] = ['webhook', 'call-status', 'admin', 'dial', 'sweeper'];

export function handlerEntry(name: HandlerName): string {
  return join(PROJECT_ROOT, 'functions', 'handlers', `${name}.ts`);
}

/** Lambda runs nodejs22.x, the same major the project pins for its tests. */
export const NODE_TARGET = 'node22';

const bundle = {
  minify: true,
  // Source maps turn minified stack traces back into file:line (NODE_OPTIONS below);
  // without the sources' text they stay small.
  sourceMap: true,
  sourcesContent: false,
  // Error class names show up in logs and in `err.name` checks; minifying them away would
  // make both useless.
  keepNames: true,
  // The AWS SDK packages publish ES modules (`module`) beside CommonJS (`main`); esbuild
  // tree-shakes only the former, so `module` first keeps just the commands and protocol
  // code the handlers use (the CommonJS DynamoDB client alone was 94 KiB).
  mainFields: ['module', 'main'],
};

/** NODE_OPTIONS every function runs with, so the source maps above are used. */
export const NODE_OPTIONS = '--enable-source-maps';

export function lambdaBundling(): BundlingOptions {
  return {
    ...bundle,
    target: NODE_TARGET,
    format: OutputFormat.CJS,
    forceDockerBundling: false,
    // The SDK clients are bundled at the versions the tests ran with instead of whatever
    // the runtime ships; esbuild keeps only what the handlers import.
    bundleAwsSDK: true,
    externalModules: [],
  };
}

/** esbuild build options equivalent to `lambdaBundling()` (what CDK passes to esbuild's CLI). */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: NODE_TARGET,
    format: 'cjs',
    minify: bundle.minify,
    sourcemap: bundle.sourceMap,
    sourcesContent: bundle.sourcesContent,
    keepNames: bundle.keepNames,
    mainFields: bundle.mainFields,
    external: [],
    logLevel: 'warning',
  };
}
