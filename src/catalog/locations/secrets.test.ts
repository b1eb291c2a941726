import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CatalogError } from './errors.ts'
import { NO_SECRET_FILES, resolveSecretReference, secretFilesWithin } from './secrets.ts'

function refusal(action: () => unknown): CatalogError {
  try {
    action()
  } catch (error) {
    if (error instanceof CatalogError) return error
    throw error
  }
  throw new Error('expected a CatalogError')
}

/** A secrets directory with one secret, and a file beside it that must stay out of reach. */
function layout() {
  const root = mkdtempSync(join(tmpdir(), 'weir-secrets-'))
  const secrets = join(root, 'secrets')
  mkdirSync(join(secrets, 'kafka'), { recursive: true })
  writeFileSync(join(secrets, 'kafka', 'password'), 'p4ss\n')
  const private_ = join(root, 'server.key')
  writeFileSync(private_, 'PRIVATE KEY')
  symlinkSync(private_, join(secrets, 'escape'))
  symlinkSync(join(secrets, 'kafka', 'password'), join(secrets, 'inside-link'))
  return { secrets, private: private_, files: secretFilesWithin(secrets) }
}

describe('file: secret references', () => {
  it('are read inside the secrets directory, through links that stay inside too', () => {
    const { secrets, files } = layout()
    expect(resolveSecretReference(`file:${secrets}/kafka/password`, 'ctx', {}, files)).toBe('p4ss')
    expect(resolveSecretReference(`file:${secrets}/inside-link`, 'ctx', {}, files)).toBe('p4ss')
  })

  it('are refused outside it, with .., or through a link leading out, and never read', () => {
    const { secrets, private: outside, files } = layout()
    for (const reference of [
      `file:${outside}`,
      'file:/etc/passwd',
      `file:${secrets}/../server.key`,
      `file:${secrets}/kafka/../../server.key`,
      `file:${secrets}/escape`,
      `file:${secrets}`,
    ]) {
      const error = refusal(() => resolveSecretReference(reference, "cluster 'k' property 'p'", {}, files))
      expect({ reference, code: error.code, status: error.status }).toEqual({
        reference,
        code: 'secret_file_refused',
        status: 422,
      })
      expect(error.message).toContain(
        `outside the secrets directory ${files.kind === 'within' ? files.directory : ''}`,
      )
      expect(error.message).not.toContain('PRIVATE KEY')
    }
  })

  it('are refused altogether without a secrets directory, saying how to configure one', () => {
    const { secrets } = layout()
    const error = refusal(() =>
      resolveSecretReference(`file:${secrets}/kafka/password`, 'ctx', {}, NO_SECRET_FILES),
    )
    expect(error.code).toBe('secret_file_refused')
    expect(error.message).toContain('--secrets-dir')
  })

  it('need an existing directory', () => {
    expect(refusal(() => secretFilesWithin('/nonexistent/weir-secrets')).message).toContain(
      'is not a directory',
    )
  })
})
