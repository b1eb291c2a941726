import { describe, expect, it } from 'vitest'
import { bindSubject, buildSubjectIndex, subjectResource } from './subject-binding.ts'

const index = buildSubjectIndex([
  {
    name: 'traffic.pageview',
    subjects: ['traffic.pageview-value'],
    topics: ['pv_events', 'pv-events-staging'],
  },
  { name: 'traffic.click', subjects: ['traffic.click-key', 'traffic.click-value'], topics: ['clicks'] },
  { name: 'orders.order', subjects: ['shared-value'], topics: ['orders', 'shared'] },
  { name: 'orders.order_audit', subjects: [], topics: ['orders'] },
])

describe('subject binding', () => {
  it('follows a dataset that names the subject', () => {
    expect(bindSubject('traffic.pageview-value', index)).toEqual({
      subject: 'traffic.pageview-value',
      via: 'explicit',
      datasets: ['traffic.pageview'],
    })
  })

  it('follows the topic name strategy for values and keys', () => {
    expect(bindSubject('pv_events-value', index)).toEqual({
      subject: 'pv_events-value',
      via: 'topic',
      topic: 'pv_events',
      part: 'value',
      datasets: ['traffic.pageview'],
    })
    expect(bindSubject('clicks-key', index)).toMatchObject({
      topic: 'clicks',
      part: 'key',
      datasets: ['traffic.click'],
    })
  })

  it('splits only the last suffix, so topics may contain dashes', () => {
    expect(bindSubject('pv-events-staging-value', index)).toMatchObject({ topic: 'pv-events-staging' })
  })

  it('prefers an explicit binding over the topic name', () => {
    expect(bindSubject('shared-value', index)).toMatchObject({ via: 'explicit', datasets: ['orders.order'] })
  })

  it('binds a topic shared by several datasets to all of them', () => {
    expect(bindSubject('orders-value', index).datasets).toEqual(['orders.order', 'orders.order_audit'])
  })

  it.each([
    'unknown_topic-value',
    'pv_events',
    'pv_events-values',
    'pv_events-Value',
    '-value',
    'value',
    'com.example.PageView',
    "pv_events' OR '1'='1-value",
    '../pv_events-value',
  ])('leaves %j unbound', (subject) => {
    const binding = bindSubject(subject, index)
    expect(binding).toEqual({ subject, via: 'none', datasets: [] })
    expect(subjectResource(binding)).toEqual({ kind: 'subject', name: subject, datasets: [] })
  })

  it('lists each dataset once per subject or topic', () => {
    const twice = buildSubjectIndex([
      { name: 'a.b', subjects: ['s', 's'], topics: ['t', 't'] },
      { name: 'a.b', subjects: ['s'], topics: ['t'] },
    ])
    expect(twice.explicit.get('s')).toEqual(['a.b'])
    expect(twice.topics.get('t')).toEqual(['a.b'])
  })
})
