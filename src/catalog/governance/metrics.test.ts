import { describe, expect, it } from 'vitest'
import { createCatalogMetrics, recordAuthFailure } from './metrics.ts'

describe('catalog metrics', () => {
  it('exposes request, auth, registration and size metrics in its own registry', async () => {
    const metrics = createCatalogMetrics({
      processMetrics: false,
      catalogSizes: async () => ({ datasets: 12, subjects: 30 }),
    })
    const labels = { route: '/api/v1/datasets/:name', method: 'GET', status: '200' }
    metrics.httpRequests.inc(labels)
    metrics.httpRequestDuration.observe(labels, 0.0031)
    recordAuthFailure(metrics, 'expired')
    metrics.schemaRegistrations.inc({ schema_type: 'AVRO' })
    const text = await metrics.registry.metrics()
    expect(text).toContain(
      'weir_http_requests_total{route="/api/v1/datasets/:name",method="GET",status="200"} 1',
    )
    expect(text).toContain(
      'weir_http_request_duration_seconds_bucket{le="0.005",route="/api/v1/datasets/:name",method="GET",status="200"} 1',
    )
    expect(text).toContain('weir_auth_failures_total{reason="expired"} 1')
    expect(text).toContain('weir_schema_registrations_total{schema_type="AVRO"} 1')
    expect(text).toContain('weir_catalog_objects{object="datasets"} 12')
    expect(text).toContain('weir_catalog_objects{object="subjects"} 30')
    expect(text).not.toContain('object="tokens"')
    expect(text).not.toContain('process_cpu')
  })

  it('gives every instance a separate registry', async () => {
    const first = createCatalogMetrics({ processMetrics: false })
    const second = createCatalogMetrics()
    first.httpRequests.inc({ route: '/health', method: 'GET', status: '200' })
    expect(await second.registry.metrics()).not.toContain('route="/health"')
    expect(await second.registry.metrics()).toContain('weir_udm_process_cpu_seconds_total')
  })

  it('reports no sizes without a source', async () => {
    const metrics = createCatalogMetrics({ processMetrics: false })
    expect(await metrics.registry.metrics()).not.toContain('weir_catalog_objects{')
  })
})
