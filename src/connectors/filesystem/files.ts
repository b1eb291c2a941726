import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * The data files under `path` (itself, if it is a file), sorted so every run reads them in the same
 * order. Like Flink, names starting with '.' or '_' are skipped: in-progress part files and markers.
 */
export async function listDataFiles(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path]
  const entries = await readdir(path, { withFileTypes: true, recursive: true })
  return entries
    .filter((entry) => entry.isFile() && !/^[._]/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
}
