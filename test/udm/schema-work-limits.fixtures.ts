/**
 * Small schemas that make an unbounded schema walk exponential (issue #19), and the ordinary schemas they are
 * checked against. Each hostile schema is a few KB at most.
 */

/**
 * A chain of definitions, each referring twice to the next through `keyword`: 2^depth paths, none accepting a
 * string. With `allOf` every path has its own findings (its own location), so memoising pairs cannot help and
 * only the work budget stops the walk; with `anyOf` the memo answers each level once.
 */
export function hostileJsonSchema(depth = 40, keyword: 'allOf' | 'anyOf' | 'oneOf' = 'allOf'): string {
  const definitions: Record<string, unknown> = {}
  for (let level = 0; level < depth; level++) {
    const next = { $ref: `#/definitions/d${level + 1}` }
    definitions[`d${level}`] = { [keyword]: [next, next] }
  }
  definitions[`d${depth}`] = { type: 'null' }
  return JSON.stringify({ definitions, $ref: '#/definitions/d0' })
}

/** A realistic recursive Avro type: a binary tree of strings. */
export const AVRO_TREE = JSON.stringify({
  type: 'record',
  name: 'Node',
  namespace: 'weir.test',
  fields: [
    { name: 'value', type: 'string' },
    { name: 'left', type: ['null', 'Node'], default: null },
    { name: 'right', type: ['null', 'Node'], default: null },
  ],
})

/**
 * Record types reused by both children at every level, ending in an `int` where the tree has a string: read
 * against AVRO_TREE, every one of the 2^depth paths ends in its own mismatch. Children are records where the
 * tree has unions, so each writer branch is compared (a reader union would stop at the first failure).
 */
export function hostileAvroSchema(depth = 40): string {
  let type: unknown = {
    type: 'record',
    name: `Node${depth}`,
    fields: [{ name: 'value', type: 'int' }],
  }
  for (let level = depth - 1; level >= 0; level--) {
    type = {
      type: 'record',
      name: level === 0 ? 'Node' : `Node${level}`,
      aliases: level === 0 ? [] : ['weir.test.Node'],
      fields: [
        { name: 'value', type: 'string' },
        { name: 'left', type },
        { name: 'right', type: `Node${level + 1}` },
      ],
    }
  }
  return JSON.stringify({ ...(type as object), namespace: 'weir.test' })
}

export const PROTO_ORDER = 'syntax = "proto3";\npackage weir.test;\n\nmessage Order {\n  string id = 1;\n}\n'

/** One message with many fields: protobufjs re-indexes a message's fields after each one it adds. */
export function hostileProtoSchema(fields = 20_000): string {
  const lines = Array.from({ length: fields }, (_, index) => `  string f${index + 2} = ${index + 2};`)
  return `syntax = "proto3";\npackage weir.test;\n\nmessage Order {\n  string id = 1;\n${lines.join('\n')}\n}\n`
}
