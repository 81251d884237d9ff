import type { CityContacts, DistrictContacts } from './contacts.repo.js'

export interface ContactsEventPayloads {
  'contacts.updated':
    | ({ scope: 'district'; district: string } & DistrictContacts)
    | ({ scope: 'city' } & CityContacts)
}
