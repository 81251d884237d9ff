import { type Expression, type SqlBool, sql } from 'kysely'
import { issue, validationFailed } from '../domain/errors.js'

/**
 * Keyset pagination, the data layer's half: a cursor is the sort key of the last item handed out, encoded
 * opaquely; `afterCursor` is the condition for the rows after it, `pageOf` cuts a page and the next cursor.
 */
export type KeyValue = string | number | boolean | null

export function encodeCursor(key: KeyValue[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')
}

/**
 * Decodes a cursor made by `encodeCursor` for a key of `arity` values; anything else is a 422. No sort key
 * handed out is null, and a null compared in a row value makes the comparison null: `[null]` (`W251bGxd`)
 * answered an empty page as if the list had ended.
 */
export function decodeCursor(cursor: string, arity: number): KeyValue[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    parsed = undefined
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.length === arity &&
    parsed.every((v) => ['string', 'number', 'boolean'].includes(typeof v))
  if (!ok)
    throw validationFailed([
      issue(
        'query.cursor',
        { zh: '不是本列表给出的游标', en: 'not a cursor this list handed out' },
        'invalid_cursor',
      ),
    ])
  return parsed as KeyValue[]
}

/**
 * The rows after the cursor in a list ordered by `columns`, all in one direction. `columns` must end in a
 * unique column (the id) so the order is total. Row-value comparison serves both engines and uses a
 * matching composite index.
 */
export function afterCursor(
  columns: string[],
  key: KeyValue[],
  direction: 'asc' | 'desc' = 'asc',
): Expression<SqlBool> {
  const refs = sql.join(columns.map((c) => sql.ref(c)))
  const values = sql.join(key.map((v) => sql`${v}`))
  return direction === 'asc' ? sql<SqlBool>`(${refs}) > (${values})` : sql<SqlBool>`(${refs}) < (${values})`
}

/**
 * Cuts a page from rows fetched with `limit + 1`: the extra row only says whether another page exists.
 * `keyOf` gives the sort key of a row, in the order of the columns passed to `afterCursor`.
 */
export function pageOf<R, T = R>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => KeyValue[],
  map: (row: R) => T = (r) => r as unknown as T,
): { items: T[]; next: string | null } {
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    items: page.map(map),
    next: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  }
}
