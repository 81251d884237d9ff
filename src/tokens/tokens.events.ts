import type { Role } from '../domain/enums.js'

export interface TokenEventPayloads {
  'token.created': { name: string; role: Role; retailerId: string | null }
  'token.revoked': { name: string; role: Role }
}
