// Bundles the console (src/main.mjs, the JS client and their @polkadot packages) into
// dist/console.js with esbuild, for the browser: one file, no network at run time.
//   node js/console/build.mjs          build once
// The packages are the repository's one install, e2e/node_modules (scripts/setup-node-deps.sh).
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Builds dist/console.js; resolves to its size in bytes. */
export async function buildConsole({ log = console.log } = {}) {
  const result = await build({
    entryPoints: [path.join(here, 'src', 'main.mjs')],
    outfile: path.join(here, 'dist', 'console.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    metafile: true,
    nodePaths: [path.join(here, '..', '..', 'e2e', 'node_modules')],
    // bn.js asks for Node's Buffer inside a try block and does without it.
    external: ['buffer'],
    logLevel: 'warning',
  });
  const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
  log(`console: dist/console.js, ${(bytes / 1024).toFixed(0)} KiB`);
  return bytes;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildConsole();
}
