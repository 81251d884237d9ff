import type { Role } from '../domain/enums.js'

export interface TokenEventPayloads {
  /** `userId`: the person the token belongs to (null: the token is its own person). */
  'token.created': { name: string; role: Role; retailerId: string | null; userId: string | null }
  'token.revoked': { name: string; role: Role }
}
