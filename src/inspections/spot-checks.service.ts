import { timeOrderedId } from '../db/ids.js'
import { inTransaction } from '../db/transaction.js'
import type { AppDeps } from '../deps.js'
import { actorIdOf, type RequestContext } from '../domain/context.js'
import { conflict, issue, validationFailed } from '../domain/errors.js'
import { appendEvent } from '../events/events.repo.js'
import { pick, SeededStream } from './inspection-draw.js'
import type { SpotCheckInput } from './spot-checks.schema.js'

/**
 * The quarterly spot-check draw (每季抽查), so anyone can repeat it from the published seed: the population
 * is every district code, in code order (text order); `count` of them are picked by the partial Fisher–Yates
 * shuffle of inspection-draw.ts with the same number stream (SHA-256 of `<seed>:<i>`, i = 0, 1, …). The
 * first `count` are the list, in that order. Pure: no database, no clock.
 */
export function drawDistricts(seed: string, population: readonly string[], count: number): string[] {
  return pick([...population].sort(), count, new SeededStream(seed))
}

/**
 * The command centre draws the quarter's districts (one draw per quarter: a second is refused, 409). More
 * districts than there are is refused naming the number there are.
 */
export async function drawSpotCheck(
  deps: Pick<AppDeps, 'db' | 'clock' | 'districts'>,
  ctx: RequestContext,
  input: SpotCheckInput,
) {
  const population = deps.districts.codes().sort()
  if (input.count > population.length)
    throw validationFailed([
      issue('body.count', {
        zh: `只有 ${population.length} 个区县，不能抽取 ${input.count} 个`,
        en: `there are only ${population.length} districts to draw ${input.count} from`,
      }),
    ])
  const districts = drawDistricts(input.seed, population, input.count)
  const id = timeOrderedId()
  const now = deps.clock.now()
  await inTransaction(deps.db, async (trx) => {
    const taken = await trx
      .selectFrom('spot_checks')
      .select('id')
      .where('quarter', '=', input.quarter)
      .executeTakeFirst()
    if (taken)
      throw conflict({
        zh: `${input.quarter} 已抽取过，每季只抽一次`,
        en: `${input.quarter} has been drawn already: one draw a quarter`,
      })
    await trx
      .insertInto('spot_checks')
      .values({
        id,
        quarter: input.quarter,
        seed: input.seed,
        count: input.count,
        population,
        districts,
        created_at: now,
        created_by: actorIdOf(ctx),
      })
      .execute()
    await appendEvent(trx, ctx, now, {
      type: 'spot_check.drawn',
      subject: id,
      payload: { spotCheckId: id, quarter: input.quarter, seed: input.seed, districts },
    })
  })
  return id
}
