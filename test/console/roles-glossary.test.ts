import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ROLE_TEXT } from '../../src/console/admin-view.js'
import { ROLES } from '../../src/domain/enums.js'
import { ROLE_GLOSSARY, rolesDescription } from '../../src/domain/roles-glossary.js'

describe('one name per role', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')

  it('covers every role, and the README table says the same names', () => {
    expect(Object.keys(ROLE_GLOSSARY).sort()).toEqual([...ROLES].sort())
    for (const r of ROLES) {
      const g = ROLE_GLOSSARY[r]
      expect(readme, r).toMatch(new RegExp(`\\| \`${r}\`\\s*\\| ${g.zh}\\s*\\| ${g.en}\\s*\\|`))
    }
  })

  it('the admin pages and the API descriptions use them', () => {
    for (const r of ROLES) {
      expect(ROLE_TEXT[r].zh).toContain(ROLE_GLOSSARY[r].zh)
      expect(ROLE_TEXT[r].en).toContain(ROLE_GLOSSARY[r].en)
      expect(rolesDescription()).toContain(`${ROLE_GLOSSARY[r].zh} ${ROLE_GLOSSARY[r].en}`)
    }
  })
})
