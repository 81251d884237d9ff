import { z } from '@hono/zod-openapi'
import { ROLES } from '../domain/enums.js'
import { rolesDescription } from '../domain/roles-glossary.js'
import { nameText } from '../domain/text.js'
import { DistrictCodeSchema } from '../http/schemas.js'
import { LOGIN_PATTERN } from './users.service.js'

const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 -]{4,24}$/, 'a phone number: digits, spaces, dashes')
const district = DistrictCodeSchema
const retailer = z.string().min(1).max(64)

/**
 * The input of creating and editing a staff account: the one rule set the API route (and its OpenAPI), the
 * console's admin form and `user create` on the command line all parse with.
 */
export const CreateUserSchema = z
  .strictObject({
    login: z
      .string()
      .regex(LOGIN_PATTERN, '2–64 letters, digits or . _ @ -, starting with a letter or digit'),
    name: nameText(100),
    role: z.enum(ROLES).openapi({ description: `One of ${rolesDescription()}` }),
    district: district.optional(),
    retailer: retailer.optional(),
    phone: phone.optional(),
  })
  .openapi('CreateUser')

export const UpdateUserSchema = z
  .strictObject({
    name: nameText(100).optional(),
    phone: phone.nullable().optional(),
    role: z.enum(ROLES).optional(),
    district: district.nullable().optional(),
    retailer: retailer.nullable().optional(),
    disabled: z.boolean().optional(),
    resetPassword: z
      .literal(true)
      .optional()
      .openapi({ description: 'Issue a new one-time password (returned once) and end all sessions' }),
    unlock: z.literal(true).optional().openapi({ description: 'Lift a sign-in lockout now' }),
  })
  .openapi('UpdateUser')
