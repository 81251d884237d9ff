import type { Kysely } from 'kysely'
import type { DB } from '../db/types.js'
import { issue, type ProblemIssue } from '../domain/errors.js'

/** What carries a role: an API token or a staff account. The rules are the same; the wording names which. */
export type Bearer = 'token' | 'account'
const NOUN = { token: { zh: '令牌', en: 'token' }, account: { zh: '账户', en: 'account' } } as const

/**
 * A district token or account is bound to a known district, a retailer one to a known retailer, and no other
 * to either. Exported for the console, which lists these with the form's own problems at once.
 */
export async function bindingProblems(
  db: Kysely<DB>,
  bearer: Bearer,
  role: string,
  districtCode: string | null | undefined,
  retailerId: string | null | undefined,
): Promise<ProblemIssue[]> {
  const { zh: n, en } = NOUN[bearer]
  const issues: ProblemIssue[] = []
  if (role === 'district' && !districtCode)
    issues.push(
      issue('district', { zh: `区县${n}须指定区县代码`, en: `a district ${en} needs a district code` }),
    )
  if (role !== 'district' && districtCode)
    issues.push(
      issue('district', { zh: `只有区县${n}绑定区县`, en: `only a district ${en} is bound to a district` }),
    )
  if (role === 'retailer' && !retailerId)
    issues.push(
      issue('retailer', { zh: `经营者${n}须指定经营者`, en: `a retailer ${en} needs a retailer id` }),
    )
  if (role !== 'retailer' && retailerId)
    issues.push(
      issue('retailer', {
        zh: `只有经营者${n}绑定经营者`,
        en: `only a retailer ${en} is bound to a retailer`,
      }),
    )
  if (districtCode) {
    const d = await db
      .selectFrom('districts')
      .select('code')
      .where('code', '=', districtCode)
      .executeTakeFirst()
    if (!d)
      issues.push(
        issue('district', {
          zh: `未知的区县代码 ${districtCode}`,
          en: `unknown district code ${districtCode}`,
        }),
      )
  }
  if (retailerId) {
    const r = await db.selectFrom('retailers').select('id').where('id', '=', retailerId).executeTakeFirst()
    if (!r)
      issues.push(
        issue('retailer', {
          zh: `未知的经营者 ${retailerId}`,
          en: `unknown retailer ${retailerId}`,
        }),
      )
  }
  return issues
}
