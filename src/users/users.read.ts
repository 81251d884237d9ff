/** Staff accounts as pages and other modules read them (never the repo directly). */
export { findUser, listUsers, type UserRow } from './users.repo.js'
