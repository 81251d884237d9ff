const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Ids are UUIDs; anything else cannot name a row, so it is a 404 rather than a database error. */
export function isUuid(s: string): boolean {
  return UUID.test(s)
}
