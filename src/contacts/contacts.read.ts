/** District and city contacts as pages read them (never the repo directly). */
export { districtContacts } from './contacts.repo.js'
