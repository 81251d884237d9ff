import { z } from '@hono/zod-openapi'
import { ROLES } from '../domain/enums.js'
import { DistrictCodeSchema } from '../http/schemas.js'
import { nameText } from '../http/text.js'

/** The input of creating a token: parsed alike by the API route, the console's admin form and `token create`. */
export const CreateTokenSchema = z
  .strictObject({
    name: nameText(100),
    role: z.enum(ROLES),
    district: DistrictCodeSchema.optional(),
    retailer: z.string().min(1).max(64).optional(),
  })
  .openapi('CreateToken')
