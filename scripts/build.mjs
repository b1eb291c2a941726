#!/usr/bin/env node
// Compiles the CLI and the subtask worker to JavaScript under dist/ (run by `npm ci` through `prepare`, and by
// `npm run build`). Plain JavaScript so it runs before anything else is compiled. bin/weir.js loads dist/ when
// it matches the sources and falls back to compiling them through tsx otherwise, so an edit never runs stale code.
import { rm, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { sourceFingerprint } from './source-fingerprint.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = `${root}dist`
const started = performance.now()

/**
 * Dependencies stay in node_modules, resolved as from the sources; JSON files of packages are inlined, since
 * esbuild would drop their `with { type: 'json' }` attribute, which Node requires.
 */
const dependenciesStayExternal = {
  name: 'dependencies-stay-external',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.endsWith('.json') ? undefined : { path: args.path, external: true },
    )
  },
}

await rm(dist, { recursive: true, force: true })
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli/main.ts', 'subtask-worker': 'src/sql/job/parallel/subtask-worker.ts' },
  outdir: dist,
  bundle: true,
  // Commands load their code on first use: shared code lands in chunks beside the entry points.
  splitting: true,
  chunkNames: '[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  plugins: [dependenciesStayExternal],
  sourcemap: false,
  logLevel: 'warning',
})
// Written last: a dist/ without it (an interrupted build) is never taken for current.
await writeFile(`${dist}/fingerprint`, `${await sourceFingerprint(root)}\n`)
console.error(`weir: compiled the CLI to dist/ in ${Math.round(performance.now() - started)} ms`)
