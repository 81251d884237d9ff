import { createHash } from 'node:crypto'
import { AppError, type Text } from './errors.js'

/**
 * Entity tags for optimistic concurrency on a record's writes. The tag is a hash of the fields a client
 * edits and sees (a record's content, not its derived counts), so it changes exactly when one of them does.
 * A write that sends `If-Match` with a tag the record no longer has is refused with 412; one without
 * `If-Match` is applied as before (under the row lock, writing only what it changes).
 */
export function versionTag(fields: readonly unknown[]): string {
  const norm = fields.map((v) => (v instanceof Date ? v.toISOString() : v))
  return `"${createHash('sha1').update(JSON.stringify(norm)).digest('base64url').slice(0, 22)}"`
}

/** Whether an `If-Match` header (a list, `*`, weak tags compared as strong) admits the current tag. */
export function ifMatchHolds(ifMatch: string | undefined, current: string): boolean {
  if (ifMatch === undefined) return true
  return ifMatch.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '')
    return tag === '*' || tag === current
  })
}

/** Throws 412 when `If-Match` was given and names none of the record's current tag. */
export function checkIfMatch(ifMatch: string | undefined, current: string, what: Text): void {
  if (!ifMatchHolds(ifMatch, current))
    throw new AppError(
      'precondition_failed',
      {
        zh: `${what.zh}已被他人修改：请重新读取后再保存`,
        en: `${what.en} changed since you read it: read it again, then save`,
      },
      // The tag the record has now: a client may read the record again by it.
      { headers: { ETag: current } },
    )
}
