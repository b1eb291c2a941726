/**
 * `system=` and `cluster=` on a resolve: the caller names the one location it will use (the SDK's Redis
 * lookup, say), so the answer, and the secrets it asks for, cover that location only.
 */
import type { FastifyRequest } from 'fastify'
import { invalidField } from '../catalog/locations/errors.ts'
import { CLUSTER_SYSTEMS, type ClusterSystem, type LocationFilter } from '../catalog/locations/model.ts'
import { text } from './http.ts'

export { matchesLocationFilter } from '../catalog/locations/model.ts'

export function readLocationFilter(request: FastifyRequest): LocationFilter {
  const system = text(request, 'system')
  const cluster = text(request, 'cluster')
  if (system !== undefined && !CLUSTER_SYSTEMS.includes(system as ClusterSystem)) {
    throw invalidField('system', `'${system}' is not one of ${CLUSTER_SYSTEMS.join(', ')}`)
  }
  return {
    ...(system === undefined ? {} : { system: system as ClusterSystem }),
    ...(cluster === undefined ? {} : { cluster }),
  }
}
