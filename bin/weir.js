#!/usr/bin/env node
// Runs the compiled CLI in dist/ (built at `npm ci` by `prepare`, or by `npm run build`) when it was built from
// the sources as they are now; otherwise the TypeScript sources through tsx, so an edited checkout never runs
// stale code (only slower: tsx compiles on load). WEIR_FROM_SOURCE=1 forces the sources.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { sourceFingerprint } from '../scripts/source-fingerprint.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))

function compiledIsCurrent() {
  if (process.env.WEIR_FROM_SOURCE === '1') return false
  try {
    return readFileSync(`${root}dist/fingerprint`, 'utf8').trim() === sourceFingerprint(root)
  } catch {
    return false
  }
}

if (compiledIsCurrent()) {
  await import('../dist/cli.js')
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/cli/main.ts')
}
