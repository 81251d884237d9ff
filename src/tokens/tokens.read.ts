/** The token register as pages and other modules read it (never the repo directly). */
export { listTokens } from './tokens.repo.js'
