import { randomUUID } from 'node:crypto'
import { decodeCursor, pageOf } from '../db/pagination.js'
import { inTransaction } from '../db/transaction.js'
import type { AppDeps } from '../deps.js'
import type { DistrictDirectory } from '../districts/district-directory.js'
import { actorIdOf, type RequestContext } from '../domain/context.js'
import { conflict, issue, notFound, type ProblemIssue, validationFailed } from '../domain/errors.js'
import { isUuid } from '../domain/ids.js'
import { textIssues } from '../domain/text.js'
import { appendEvent } from '../events/events.repo.js'
import { clean, DistrictResolver, normaliseName, readProductionDate, unitOf } from './sample-fields.js'
import {
  existingNumbers,
  itemsOf,
  listSamples,
  type NewSample,
  type SampleFilter,
  sampleVerdict,
  selectSample,
  writeSamples,
} from './samples.repo.js'
import { SAMPLE_TEXT, type SampleInput, sampleDto } from './samples.schema.js'

type Deps = Pick<AppDeps, 'db' | 'clock' | 'districts'>

const resolvers = new WeakMap<DistrictDirectory, DistrictResolver>()

/** One resolver per loaded directory (the directory is read once at start). */
export function districtResolver(districts: DistrictDirectory): DistrictResolver {
  let r = resolvers.get(districts)
  if (!r) {
    r = new DistrictResolver(districts.items)
    resolvers.set(districts, r)
  }
  return r
}

export const districtNameOf = (districts: DistrictDirectory) => (code: string) =>
  districts.items.find((d) => d.code === code)?.nameZh ?? code

const sampleNotFound = () => notFound({ zh: '样品不存在', en: 'No such sample' })

/** Checks one sample from the API; every problem at once. */
function toNewSample(deps: Deps, input: SampleInput): NewSample {
  // The schema's own rules (`SAMPLE_TEXT`), for an entry point that hands over input it did not parse.
  const T = SAMPLE_TEXT
  const issues: ProblemIssue[] = textIssues('body', [
    ['no', input.no, T.no],
    ['unit.name', input.unit.name, T.unitName],
    ['unit.address', input.unit.address, T.unitAddress],
    ['foodName', input.foodName, T.foodName],
    ['spec', input.spec, T.spec],
    ['brand', input.brand, T.brand],
    ['batch', input.batch, T.batch],
    ['producer.name', input.producer?.name, T.producerName],
    ['producer.address', input.producer?.address, T.producerAddress],
    ['category', input.category, T.category],
    ['taskSource', input.taskSource, T.taskSource],
    ['lab', input.lab, T.lab],
    ['remarks', input.remarks, T.remarks],
    ...input.items.flatMap((it, i) => [
      [`items[${i}].name`, it.name, T.itemName] as const,
      [`items[${i}].result`, it.result, T.itemResult] as const,
      [`items[${i}].limit`, it.limit, T.itemLimit] as const,
      [`items[${i}].unit`, it.unit, T.itemUnit] as const,
    ]),
  ])
  const districtCode = districtResolver(deps.districts).resolve(input.unit.address)
  if (!districtCode)
    issues.push(
      issue(
        'body.unit.address',
        {
          zh: `无法从地址「${input.unit.address}」判断所属区县`,
          en: `cannot tell the district from "${input.unit.address}"`,
        },
        'unknown_district',
      ),
    )
  const reading = readProductionDate(input.batch ?? '')
  if (reading.kind === 'invalid') issues.push(issue('body.batch', reading.reason, 'invalid_date'))
  if (issues.length > 0 || !districtCode) throw validationFailed(issues)
  const opt = (v: string | undefined) => clean(v) || null
  return {
    id: randomUUID(),
    no: clean(input.no),
    seq: input.seq ?? null,
    unitName: clean(input.unit.name),
    unitAddress: clean(input.unit.address),
    districtCode,
    foodName: clean(input.foodName),
    spec: opt(input.spec),
    brand: opt(input.brand),
    batch: reading.kind === 'none' ? null : reading.text,
    productionDate: reading.kind === 'date' ? reading.date : null,
    purchaseDate: reading.kind === 'date' && reading.purchase,
    producerName: opt(input.producer?.name),
    producerAddress: opt(input.producer?.address),
    category: clean(input.category),
    taskSource: opt(input.taskSource),
    lab: opt(input.lab),
    sampledOn: input.sampledOn ?? null,
    testedOn: input.testedOn ?? null,
    remarks: opt(input.remarks),
    items: input.items.map((i) => ({
      name: clean(i.name),
      result: i.result,
      limit: i.limit ?? null,
      unit: i.unit ?? unitOf(i.result, i.limit ?? null),
      verdict: i.verdict,
    })),
  }
}

export async function createSample(deps: Deps, ctx: RequestContext, input: SampleInput) {
  const sample = toNewSample(deps, input)
  const now = deps.clock.now()
  await inTransaction(deps.db, async (trx) => {
    if ((await existingNumbers(trx, [sample.no])).size > 0)
      throw conflict({
        zh: `抽样编号「${sample.no}」已存在`,
        en: `Sample number "${sample.no}" is already recorded`,
      })
    await writeSamples(trx, [sample], {
      at: now,
      by: actorIdOf(ctx),
      importId: null,
      normalise: normaliseName,
    })
    await appendEvent(trx, ctx, now, {
      type: 'sample.recorded',
      districtCode: sample.districtCode,
      subject: sample.no,
      payload: { sampleId: sample.id, no: sample.no, verdict: sampleVerdict(sample) },
    })
  })
  return getSample(deps, sample.id)
}

export async function getSample(deps: Deps, id: string) {
  const row = isUuid(id) ? await selectSample(deps.db).where('id', '=', id).executeTakeFirst() : undefined
  if (!row) throw sampleNotFound()
  const items = await itemsOf(deps.db, [row.id])
  return sampleDto(row, items.get(row.id) ?? [], districtNameOf(deps.districts))
}

export async function findSamples(
  deps: Deps,
  f: Omit<SampleFilter, 'after'> & { cursor?: string | undefined },
) {
  const after = f.cursor ? decodeCursor(f.cursor, 1) : undefined
  const rows = await listSamples(deps.db, { ...f, after })
  const page = rows.slice(0, f.limit)
  const items = await itemsOf(
    deps.db,
    page.map((r) => r.id),
  )
  const name = districtNameOf(deps.districts)
  return pageOf(
    rows,
    f.limit,
    (r) => [r.no],
    (r) => sampleDto(r, items.get(r.id) ?? [], name),
  )
}
