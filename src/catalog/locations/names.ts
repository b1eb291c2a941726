/** Naming rules. Dataset names become Flink SQL identifiers (`traffic.pageview`), so they stay simple. */
import { invalidField } from './errors.ts'

const DATASET_NAME = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/
const CLUSTER_NAME = /^[a-z][a-z0-9_-]*$/
const ENVIRONMENT_NAME = /^[a-z][a-z0-9_-]*$/
const MAX_NAME_LENGTH = 128

export function validateDatasetName(name: string, field = 'name'): string {
  if (name.length > MAX_NAME_LENGTH || !DATASET_NAME.test(name)) {
    throw invalidField(
      field,
      `'${name}' is not a valid dataset name; write it as namespace.name in lower-case letters, digits and ` +
        `underscores, starting with a letter (at most ${MAX_NAME_LENGTH} characters), e.g. traffic.pageview`,
    )
  }
  return name
}

export function validateClusterName(name: string, field = 'name'): string {
  if (name.length > MAX_NAME_LENGTH || !CLUSTER_NAME.test(name)) {
    throw invalidField(
      field,
      `'${name}' is not a valid cluster name; use lower-case letters, digits, '-' and '_', starting with a letter, e.g. kafka-main`,
    )
  }
  return name
}

export function validateEnvironmentName(name: string, field: string): string {
  if (name.length > MAX_NAME_LENGTH || !ENVIRONMENT_NAME.test(name)) {
    throw invalidField(
      field,
      `'${name}' is not a valid environment name; use lower-case letters, digits, '-' and '_', e.g. prod or staging`,
    )
  }
  return name
}

export function namespaceOf(datasetName: string): string {
  return datasetName.slice(0, datasetName.indexOf('.'))
}
