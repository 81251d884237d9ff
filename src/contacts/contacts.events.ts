/**
 * The roles of `contacts` that have a contact now, for the event: names and phones stay out of events (the
 * stream and webhooks reach roles that may not read contacts; the API gives them to those that may).
 */
export const filledRoles = <T extends object>(contacts: T): (keyof T & string)[] =>
  (Object.keys(contacts) as (keyof T & string)[]).filter((k) => contacts[k] != null)

export interface ContactsEventPayloads {
  'contacts.updated':
    | { scope: 'district'; district: string; filled: ('dutyOfficer' | 'head')[] }
    | { scope: 'city'; filled: ('commandCentre' | 'cityLeadership')[] }
}
