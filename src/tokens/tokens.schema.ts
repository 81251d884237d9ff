import { z } from '@hono/zod-openapi'
import { ROLES } from '../domain/enums.js'
import { rolesDescription } from '../domain/roles-glossary.js'
import { nameText } from '../domain/text.js'
import { DistrictCodeSchema } from '../http/schemas.js'

/** The input of creating a token: parsed alike by the API route, the console's admin form and `token create`. */
export const CreateTokenSchema = z
  .strictObject({
    name: nameText(100),
    role: z.enum(ROLES).openapi({ description: `One of ${rolesDescription()}` }),
    district: DistrictCodeSchema.optional(),
    retailer: z.string().min(1).max(64).optional(),
    user: z.uuid().optional().openapi({
      description: 'The person (user id) the token acts for: 一审一核 counts the person, not the token',
    }),
  })
  .openapi('CreateToken')
