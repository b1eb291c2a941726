import type { BinaryOperator, Expression } from './ast.ts'

/**
 * Binding powers of Calcite's operator table, which Flink uses (higher binds tighter). The parser
 * and the printer share them, so printed SQL parses back to the same tree.
 */
export const Precedence = {
  Lowest: 0,
  Or: 13,
  And: 24,
  Not: 26,
  /** IS [NOT] NULL / TRUE / FALSE / UNKNOWN */
  Is: 28,
  /** = <> < <= > >= and IS [NOT] DISTINCT FROM */
  Comparison: 30,
  /** BETWEEN, IN, LIKE, SIMILAR TO */
  Predicate: 32,
  Additive: 40,
  /** * / % and || */
  Multiplicative: 60,
  UnarySign: 80,
  /** `.field` and `[index]` */
  Postfix: 100,
  Atom: 1000,
} as const

export function binaryPrecedence(operator: BinaryOperator): number {
  switch (operator) {
    case 'OR':
      return Precedence.Or
    case 'AND':
      return Precedence.And
    case '+':
    case '-':
      return Precedence.Additive
    case '*':
    case '/':
    case '%':
    case '||':
      return Precedence.Multiplicative
    default:
      return Precedence.Comparison
  }
}

/** How tightly an expression's outermost operator binds; atoms never need parentheses. */
export function precedenceOf(expr: Expression): number {
  switch (expr.kind) {
    case 'binary':
      return binaryPrecedence(expr.operator)
    case 'unary':
      return expr.operator === 'NOT' ? Precedence.Not : Precedence.UnarySign
    case 'is':
      return Precedence.Is
    case 'between':
    case 'like':
    case 'inList':
    case 'inSubquery':
      return Precedence.Predicate
    case 'fieldAccess':
    case 'subscript':
      return Precedence.Postfix
    default:
      return Precedence.Atom
  }
}
