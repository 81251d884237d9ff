import { createHash, randomBytes } from 'node:crypto'

const PREFIX = 'rs_'

export function generateTokenSecret(): string {
  return PREFIX + randomBytes(32).toString('base64url')
}

// Tokens carry 256 random bits, so a fast hash is enough: no dictionary to defend against.
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

export function looksLikeToken(secret: string): boolean {
  return secret.startsWith(PREFIX) && secret.length > 20 && secret.length < 200
}
