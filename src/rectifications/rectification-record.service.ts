import { timeOrderedId } from '../db/ids.js'
import { inTransaction } from '../db/transaction.js'
import type { AppDeps } from '../deps.js'
import { actorIdOf, type RequestContext } from '../domain/context.js'
import { issue, validationFailed } from '../domain/errors.js'
import { appendEvent } from '../events/events.repo.js'
import { lockOpenCase } from './rectification-case.js'
import { rectificationRules } from './rectification-rules.js'
import type { EvidenceInput, MeetingInput, StatementInput } from './rectifications.schema.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'config'>

/** Records the quality-analysis meeting (质量分析会) of an open case; a later record replaces it. */
export async function recordMeeting(deps: Deps, ctx: RequestContext, id: string, input: MeetingInput) {
  const now = deps.clock.now()
  if (Number.isNaN(Date.parse(`${input.date}T00:00:00Z`)))
    throw validationFailed([issue('body.date', { zh: '不是有效日期', en: 'not a valid date' })])
  await inTransaction(deps.db, async (trx) => {
    const r = await lockOpenCase(trx, ctx, id)
    await trx
      .updateTable('rectifications')
      .set({ meeting: JSON.stringify(input), updated_at: now })
      .where('id', '=', id)
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'rectification.meeting_recorded',
      districtCode: r.district_code,
      subject: id,
      payload: { rectificationId: id, date: input.date, attendees: input.attendees },
    })
  })
}

/** Records the business's stated cause and the measures it took. */
export async function recordStatement(deps: Deps, ctx: RequestContext, id: string, input: StatementInput) {
  const now = deps.clock.now()
  await inTransaction(deps.db, async (trx) => {
    const r = await lockOpenCase(trx, ctx, id)
    await trx
      .updateTable('rectifications')
      .set({ cause: input.cause, measures_taken: input.measures, updated_at: now })
      .where('id', '=', id)
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'rectification.statement_recorded',
      districtCode: r.district_code,
      subject: id,
      payload: { rectificationId: id },
    })
  })
}

/** Leading bytes of the binary types a file must really be (a renamed file is refused). */
const MAGIC: Record<string, (b: Buffer) => boolean> = {
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
  'text/plain': (b) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(b)
      return true
    } catch {
      return false
    }
  },
}

/**
 * Adds evidence to an open case: a note, a small file, or both. The file's size and type are checked
 * against the rules file (every problem at once, 422) and the bytes must be of the type declared.
 */
export async function addEvidence(deps: Deps, ctx: RequestContext, id: string, input: EvidenceInput) {
  const now = deps.clock.now()
  const { rules } = rectificationRules(deps.config)
  const file = input.file
  const bytes = file ? Buffer.from(file.base64, 'base64') : null
  if (file && bytes) {
    const type = file.contentType.toLowerCase().split(';')[0]?.trim() ?? ''
    const problems = []
    if (bytes.length > rules.evidence.max_bytes)
      problems.push(
        issue('body.file.base64', {
          zh: `文件 ${bytes.length} 字节，超过上限 ${rules.evidence.max_bytes} 字节`,
          en: `the file is ${bytes.length} bytes, over the limit of ${rules.evidence.max_bytes}`,
        }),
      )
    if (!rules.evidence.types.includes(type))
      problems.push(
        issue('body.file.contentType', {
          zh: `不接受的文件类型 ${type}（可用：${rules.evidence.types.join('、')}）`,
          en: `type ${type} is not allowed (allowed: ${rules.evidence.types.join(', ')})`,
        }),
      )
    else if (MAGIC[type] && !MAGIC[type](bytes))
      problems.push(
        issue('body.file.base64', {
          zh: `文件内容不是 ${type}`,
          en: `the file's content is not ${type}`,
        }),
      )
    if (problems.length > 0) throw validationFailed(problems)
  }
  const evidenceId = timeOrderedId()
  await inTransaction(deps.db, async (trx) => {
    const r = await lockOpenCase(trx, ctx, id)
    await trx
      .insertInto('rectification_evidence')
      .values({
        id: evidenceId,
        rectification_id: id,
        note: input.note ?? null,
        file_name: file?.name ?? null,
        content_type: file ? file.contentType.toLowerCase() : null,
        size: bytes?.length ?? null,
        content: bytes,
        added_at: now,
        added_by: actorIdOf(ctx),
      })
      .execute()
    await trx.updateTable('rectifications').set({ updated_at: now }).where('id', '=', id).execute()
    await appendEvent(trx, ctx, now, {
      type: 'rectification.evidence_added',
      districtCode: r.district_code,
      subject: id,
      payload: {
        rectificationId: id,
        evidenceId,
        fileName: file?.name ?? null,
        contentType: file ? file.contentType.toLowerCase() : null,
        size: bytes?.length ?? null,
      },
    })
  })
  return evidenceId
}
