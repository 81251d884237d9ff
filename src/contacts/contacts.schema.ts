import { z } from '@hono/zod-openapi'
import { nameText } from '../domain/text.js'

const ContactSchema = z
  .strictObject({
    name: nameText(100),
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9][0-9 -]{2,29}$/, 'digits, spaces and dashes, optionally starting with +'),
  })
  .openapi('Contact')

export const DistrictContactsSchema = z
  .strictObject({ dutyOfficer: ContactSchema.nullable(), head: ContactSchema.nullable() })
  .openapi('DistrictContacts')

export const CityContactsSchema = z
  .strictObject({ commandCentre: ContactSchema.nullable(), cityLeadership: ContactSchema.nullable() })
  .openapi('CityContacts')
