import type { AppDeps } from '../deps.js'
import { systemContext } from '../domain/context.js'
import { createRetailer } from '../retailers/retailers.service.js'
import { createSample } from '../samples/samples.service.js'
import { refreshBoards } from './board-refresh.js'

/**
 * Demo retailers where the demo announcement's failing samples were taken (a supermarket in 锦江, a large
 * mall in 成华, a mall in 青羊 with no failing sample), and one more failing sample recorded at the mall with
 * its name printed with a full-width space, not yet in any announcement: publish it (not as an exercise,
 * which boards leave out) and watch `/boards/demo-ito-jianshelu` change by itself.
 */
export async function seedBoardsDemo(deps: Pick<AppDeps, 'db' | 'clock' | 'config' | 'districts'>) {
  const ctx = systemContext('demo-seed')
  const retailers = [
    {
      id: 'demo-hongqi-chunxi',
      name: '成都红旗连锁股份有限公司春熙路店',
      nameEn: 'Hongqi Chain, Chunxi Road',
      district: '510104',
      address: '成都市锦江区春熙路南段8号',
      categories: ['超市'],
    },
    {
      id: 'demo-ito-jianshelu',
      name: '成都伊藤洋华堂有限公司建设路店',
      nameEn: 'Ito Yokado, Jianshe Road',
      district: '510108',
      address: '成都市成华区建设路9号',
      categories: ['大型商场', '超市'],
    },
    {
      id: 'demo-raffles-qingyang',
      name: '来福士广场',
      nameEn: 'Raffles City',
      district: '510105',
      address: '成都市青羊区光华大道一段2号',
      categories: ['大型商场'],
    },
  ]
  for (const r of retailers) await createRetailer(deps, ctx, r)
  await createSample(deps, ctx, {
    no: 'DEMO-GC2620',
    unit: { name: '成都伊藤洋华堂有限公司\u3000建设路店', address: '成都市成华区建设路９号' },
    foodName: '麻辣牛肉干',
    brand: '蜀香源',
    category: '肉制品',
    items: [{ name: '菌落总数', result: '3.2×10⁵CFU/g', limit: '≤10⁴CFU/g', verdict: 'fail' }],
  } as Parameters<typeof createSample>[2])
  return refreshBoards(deps, { all: true })
}
