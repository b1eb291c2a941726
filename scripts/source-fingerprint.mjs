// The fingerprint of the sources a compiled dist/ was built from: every non-test .ts file under src/ with its
// size and modification time, plus package.json. Stat calls only, so checking it costs bin/weir.js a few
// milliseconds: an edit, a checkout or a pull changes a time or a size and sends the CLI back to the sources.
import { createHash } from 'node:crypto'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

/** @param {string} root the package root (the folder holding src/ and package.json) */
export function sourceFingerprint(root) {
  const files = readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
  files.push(join(root, 'package.json'))
  const hash = createHash('sha256')
  for (const file of files) {
    const { size, mtimeMs } = statSync(file)
    hash.update(`${relative(root, file)}\0${size}\0${mtimeMs}\n`)
  }
  return hash.digest('hex').slice(0, 32)
}
