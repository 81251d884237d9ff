import type { Kysely } from 'kysely'
import { lockRows } from '../db/lock.js'
import type { Transaction } from '../db/transaction.js'
import type { AnnouncementStatus, DB } from '../db/types.js'
import { actorColumns, personIdOf, type RequestContext } from '../domain/context.js'
import {
  AppError,
  forbidden,
  invalidState,
  issue,
  type ProblemIssue,
  validationFailed,
} from '../domain/errors.js'
import { type TextRule, textIssues } from '../domain/text.js'
import { type AnnouncementRow, samplesByNumber, takenSamples } from './announcements.repo.js'

/** The checks every announcement verb makes: who acts, text rules, state, numbers and samples. */

interface Person {
  id: string
  name: string
  role: string
}

/**
 * Who acts: the person (a signed-in user, or the user a token belongs to; a token of no person counts as its
 * own), so three tokens or a session and a token of one person are one person for 一审一核.
 */
export function personOf(ctx: RequestContext): Person {
  const id = personIdOf(ctx)
  if (!id) throw new AppError('unauthorized')
  const { actor_name, actor_role } = actorColumns(ctx)
  return { id, name: actor_name ?? '', role: actor_role }
}

type Act = 'submit' | 'review' | 'approve' | 'publish'
type Stage = Pick<AnnouncementRow, 'drafted_by' | 'authors' | 'reviewed_by' | 'approved_by'>

/** The people who wrote the draft: its drafter and everyone who edited it. */
export const authorsOf = (a: Pick<AnnouncementRow, 'drafted_by' | 'authors'>): string[] =>
  a.authors.includes(a.drafted_by) ? a.authors : [a.drafted_by, ...a.authors]

/**
 * 一审一核, written once: an author of the draft (drafter or editor) submits it (an admin may too); nobody who
 * wrote it reviews it; nobody who wrote or reviewed it approves it; the approver publishes it. Compared by
 * person (`personOf`).
 */
export function assertMayAct(person: Person, a: Stage, act: Act): void {
  const wrote = authorsOf(a).includes(person.id)
  const refuse = (zh: string, en: string) => {
    throw forbidden({ zh, en })
  }
  if (act === 'submit' && !wrote && person.role !== 'admin')
    refuse('只有起草人可以提交审核', 'Only the drafter submits the announcement')
  if (act === 'review' && wrote)
    refuse(
      '一审一核：起草人不能审核自己起草或修改过的公告',
      'One review, one approval: the drafter (or anyone who edited the draft) cannot review',
    )
  if (act === 'approve' && wrote)
    refuse(
      '一审一核：起草人不能核准自己起草或修改过的公告',
      'One review, one approval: the drafter (or anyone who edited the draft) cannot approve',
    )
  if (act === 'approve' && person.id === a.reviewed_by)
    refuse('一审一核：审核人不能再核准同一公告', 'One review, one approval: the reviewer cannot also approve')
  if (act === 'publish' && person.id !== a.approved_by)
    refuse('只有核准人可以发布公告', 'Only the approver publishes the announcement')
}

/** The text rules, applied here for every entry point (API, demo, later ones). */
export const NUMBER_RULE: TextRule = { max: 100, name: true }
export const TITLE_RULE: TextRule = { max: 300 }
export const PERIOD_RULE: TextRule = { max: 50 }
export const COMMENT_RULE: TextRule = { max: 2000 }

export function checkText(fields: Parameters<typeof textIssues>[1]) {
  const issues = textIssues('body', fields)
  if (issues.length > 0) throw validationFailed(issues)
}

const STATUS_ZH: Record<AnnouncementStatus, string> = {
  draft: '草稿',
  in_review: '待审核',
  reviewed: '待核准',
  approved: '已核准待发布',
  published: '已发布',
}

export function expectStatus(
  a: AnnouncementRow,
  wanted: AnnouncementStatus,
  action: { zh: string; en: string },
) {
  if (a.status !== wanted)
    throw invalidState(
      {
        zh: `公告处于「${STATUS_ZH[a.status]}」状态，不能${action.zh}`,
        en: `The announcement is ${a.status}; cannot ${action.en}`,
      },
      a.status,
    )
}

/**
 * Sample numbers → ids, refusing unknown numbers and samples already announced elsewhere, all at once. The
 * samples are locked before the check (after the announcement, in the documented order), so two drafts
 * taking one sample serialise and the second is told it is taken; the unique index on standing rows is the
 * backstop.
 */
export async function resolveSamples(
  db: Transaction<DB>,
  nos: string[],
  except: (string | null)[],
  path = 'body.sampleNos',
): Promise<string[]> {
  const issues: ProblemIssue[] = []
  const unique = [...new Set(nos)]
  const found = await samplesByNumber(db, unique)
  unique.forEach((no) => {
    if (!found.has(no))
      issues.push(
        issue(
          `${path}[${nos.indexOf(no)}]`,
          { zh: `抽样编号「${no}」不存在`, en: `no sample ${no}` },
          'unknown_sample',
        ),
      )
  })
  const ids = unique.flatMap((no) => found.get(no)?.id ?? [])
  await lockRows(db, 'samples', ids)
  const taken = await takenSamples(db, ids, except)
  unique.forEach((no) => {
    const id = found.get(no)?.id
    const other = id ? taken.get(id) : undefined
    if (other)
      issues.push(
        issue(
          `${path}[${nos.indexOf(no)}]`,
          { zh: `样品 ${no} 已在公告「${other}」中`, en: `sample ${no} is already in announcement ${other}` },
          'sample_taken',
        ),
      )
  })
  if (issues.length > 0) throw validationFailed(issues)
  return ids
}

export async function numberFree(db: Kysely<DB>, number: string, self?: string) {
  const row = await db
    .selectFrom('announcements')
    .select('id')
    .where('number', '=', number)
    .executeTakeFirst()
  if (row && row.id !== self)
    throw new AppError(
      'conflict',
      { zh: `公告编号「${number}」已被使用`, en: `Number "${number}" is taken` },
      // The field named as the central duplicate-key mapping names it when two drafts race past this check.
      {
        issues: [
          issue('number', { zh: '与已有公告重复', en: 'duplicates an existing announcement' }, 'duplicate'),
        ],
      },
    )
}
