import { seedSamplingDemo } from '../announcements/announcements.demo.js'
import { seedBoardsDemo } from '../boards/boards.demo.js'
import type { AppDeps } from '../deps.js'
import { type RequestContext, systemContext } from '../domain/context.js'
import { activateIncident } from '../incidents/incidents.service.js'
import { acknowledgeTask, completeTask, reportOnTask, startTask } from '../tasks/tasks.service.js'

const DEMO_KEY = 'demo_seeded'

type Deps = Pick<AppDeps, 'db' | 'database' | 'clock' | 'config' | 'playbooks' | 'districts' | 'logger'>

/**
 * A small data set for first contact, marked as an exercise so it never counts in statistics.
 * Seeded once per store: the marker row makes a restart a no-op.
 */
export async function seedDemo(deps: Deps): Promise<boolean> {
  const done = await deps.db
    .selectFrom('app_state')
    .select('key')
    .where('key', '=', DEMO_KEY)
    .executeTakeFirst()
  if (done) return false
  const ctx: RequestContext = systemContext('demo-seed')
  const { incident } = await activateIncident(deps, ctx, {
    playbook: 'sudan-red',
    level: 3,
    title: '【演练】辣椒制品苏丹红专项排查 Exercise: Sudan Red sweep of chilli products',
    hazard: '苏丹红 I 号 (Sudan I) 非法添加 / illegal dye',
    products: [
      { name: '香辣辣椒酱', brand: '川味坊', batch: '20261102A', maker: '成都某调味品有限公司' },
      { name: '红油火锅底料', brand: '蜀香', batch: 'HG-2611-07' },
    ],
    districts: ['510104', '510105', '510106', '510107', '510108'],
    exercise: true,
    note: '演练数据，不计入统计 (demo exercise data)',
  })
  const tasks = await deps.db
    .selectFrom('tasks')
    .select(['id', 'district_code', 'step_key'])
    .where('incident_id', '=', incident.id)
    .orderBy('district_code')
    .orderBy('step_key')
    .execute()
  const playbook = deps.playbooks.get('sudan-red')?.playbook
  // 锦江 has finished its first steps, 青羊 is reporting, 金牛 has only acknowledged; the rest are pending.
  for (const t of tasks) {
    const step = playbook?.steps.find((s) => s.key === t.step_key)
    const figures = Object.fromEntries(
      (step?.reportFields ?? [])
        .filter((f, i) => f.required || i < 3)
        .map((f, i) => {
          const n = Math.min(f.max ?? Number.POSITIVE_INFINITY, Math.max(f.min ?? 0, 3 + i * 5))
          const value = f.type === 'boolean' ? true : f.type === 'text' ? '演练' : n
          return [f.name, value]
        }),
    )
    if (t.district_code === '510104' || t.district_code === '510105') {
      await acknowledgeTask(deps, ctx, t.id)
      await startTask(deps, ctx, t.id)
      if (Object.keys(figures).length > 0) await reportOnTask(deps, ctx, t.id, { figures, note: '演练上报' })
      if (t.district_code === '510104') await completeTask(deps, ctx, t.id, '演练完成')
    } else if (t.district_code === '510106') {
      await acknowledgeTask(deps, ctx, t.id)
    }
  }
  const sampling = await seedSamplingDemo(deps)
  // retailer boards
  await seedBoardsDemo(deps)
  await deps.db
    .insertInto('app_state')
    .values({ key: DEMO_KEY, value: JSON.stringify({ incident: incident.code, announcements: sampling }) })
    .execute()
  deps.logger.info({ incident: incident.code }, 'demo exercise data seeded')
  return true
}
