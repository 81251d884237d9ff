/** District and city contacts as pages read them (never the repo directly). */
export { contactsOfTargets, districtContacts } from './contacts.repo.js'
