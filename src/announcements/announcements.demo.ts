import { randomUUID } from 'node:crypto'
import type { AppDeps } from '../deps.js'
import type { Actor, RequestContext } from '../domain/context.js'
import { importSamples } from '../samples/sample-import.service.js'
import {
  approveAnnouncement,
  draftAnnouncement,
  publishOrSchedule,
  reviewAnnouncement,
  submitAnnouncement,
} from './announcements.service.js'

const HEADER =
  '抽样编号,序号,标称生产企业名称,标称生产企业地址,被抽样单位名称,被抽样单位地址,食品名称,规格型号,商标,生产日期/批号,不合格项目║检验结果║标准值,分类,检验机构,备注'

// Realistic Chengdu results: Sudan red in chilli products, rancid hotpot base, spoiled cured meat.
const ROWS = [
  'DEMO-GC2601,1,成都蜀味调味品有限公司,四川省成都市郫都区安德镇川菜产业园,成都红旗连锁股份有限公司春熙路店,成都市锦江区春熙路南段8号,香辣辣椒酱,260g/瓶,蜀味坊,2026-09-12,苏丹红Ⅰ号║1.8mg/kg║不得检出,调味品,四川省食品检验研究院,',
  'DEMO-GC2601,,,,,,,,,,过氧化值(以脂肪计)║0.42g/100g║≤0.25g/100g,,,',
  'DEMO-GC2602,2,重庆巴渝火锅食品有限公司,重庆市九龙坡区西彭镇工业园,武侯区浆洗街菜市场 李记干杂店,成都市武侯区浆洗街12号,牛油火锅底料,500g/袋,巴渝红,(购进日期)2026/10/3,过氧化值(以脂肪计)║0.61g/100g║≤0.25g/100g,方便食品,成都市食品药品检验研究院,被抽样单位称购自荷花池市场',
  'DEMO-GC2603,3,/,/,成都伊藤洋华堂有限公司建设路店,成都市成华区建设路9号,腊肉（散装）,散装,/,20261101,菌落总数║2.1×10⁶CFU/g║≤10⁵CFU/g,肉制品,成都市食品药品检验研究院,',
  'DEMO-GC2603,,,,,,,,,,大肠菌群║≤30MPN/100g║不得检出,,,',
  'DEMO-GC2603,,,,,,,,,,亚硝酸盐(以NaNO₂计)║45mg/kg║≤30mg/kg,,,',
  'DEMO-GC2604,4,成都某豆瓣厂,成都市郫都区中国川菜产业化园区,简阳市东溪街道 王氏副食店,简阳市东溪街道人民路66号,郫县豆瓣,1kg/袋,/,2026.08.20,苏丹红Ⅳ号║0.35mg/kg║不得检出,调味品,四川省食品检验研究院,',
  'DEMO-GC2605,5,成都蜀味调味品有限公司,四川省成都市郫都区安德镇川菜产业园,成都王府井百货有限公司,成都市锦江区总府路15号,特辣辣椒酱,260g/瓶,蜀味坊,2026-10-02,,调味品,四川省食品检验研究院,',
  'DEMO-GC2606,6,四川高福记食品有限公司,成都市新都区新繁镇,家乐福光华店,成都市青羊区光华大道一段1号,麻辣火锅底料,400g/袋,高福记,2026/9/30,,方便食品,成都市食品药品检验研究院,',
  'DEMO-GC2607,7,金堂县赵镇腊味坊,金堂县赵镇十里大道,金堂县赵镇农贸市场 刘氏腊味,金堂县赵镇迎宾大道88号,腊肉,500g/袋,/,20261025,,肉制品,成都市食品药品检验研究院,',
  'DEMO-GC2608,8,四川郫县豆瓣股份有限公司,成都市郫都区中国川菜产业化园区,好又多超市双流店,成都市双流区东升街道棠湖北路100号,郫县豆瓣,500g/袋,鹃城,2026-07-15,,调味品,四川省食品检验研究院,',
  'DEMO-GC2609,9,成都天味食品集团股份有限公司,成都市双流区西航港街道,沃尔玛金牛店,成都市金牛区一环路北三段1号,火锅底料,300g/袋,大红袍,2026-09-01,,方便食品,四川省食品检验研究院,',
  'DEMO-GC2610,10,四川徽记食品股份有限公司,四川省成都市郫都区,新都区桂湖农贸市场,成都市新都区桂湖中路1号,花生米,160g/袋,徽记,2026-08-18,,炒货食品及坚果制品,成都市食品药品检验研究院,',
  // For the announcement waiting for approval.
  'DEMO-GC2611,1,成都某食品有限公司,成都市温江区海峡科技园,温江区柳城农贸市场 张记卤菜,成都市温江区柳城街道凤溪大道1号,卤牛肉,散装,/,2026-11-20,菌落总数║8.5×10⁵CFU/g║≤10⁵CFU/g,肉制品,成都市食品药品检验研究院,',
  'DEMO-GC2612,2,成都蜀味调味品有限公司,四川省成都市郫都区安德镇川菜产业园,龙泉驿区 舞东风超市,成都市龙泉驿区龙泉街道驿都大道1号,剁椒,500g/瓶,蜀味坊,2026-10-28,,蔬菜制品,四川省食品检验研究院,',
]

// Three people, as 一审一核 requires: the demo acts as three staff tokens (ids that no real token has).
const demoActor = (id: string, name: string, role: Actor['role']): Actor => ({
  type: 'token',
  id,
  name,
  role,
  districtCode: null,
  retailerId: null,
})
const SAMPLER = demoActor('00000000-0000-4000-8000-00000000d001', '【演示】质监处 抽样员', 'sampler')
const REVIEWER = demoActor('00000000-0000-4000-8000-00000000d002', '【演示】质监处 审核人', 'reviewer')
const APPROVER = demoActor('00000000-0000-4000-8000-00000000d003', '【演示】分管局长 核准人', 'approver')

/**
 * The sampling office's demo: a published announcement with passed and failed samples (one with three
 * failing items) and its disposal incident, and a second announcement reviewed and waiting for approval.
 * Marked as an exercise, so it stays out of the statistics.
 */
export async function seedSamplingDemo(
  deps: Pick<AppDeps, 'db' | 'database' | 'clock' | 'config' | 'playbooks' | 'districts'>,
) {
  // One request id for the whole seed, so its events group together.
  const requestId = randomUUID()
  const as = (actor: Actor): RequestContext => ({ actor, requestId })
  await importSamples(deps, as(SAMPLER), { text: [HEADER, ...ROWS].join('\n'), name: 'demo-2026q4.csv' })
  const nos = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `DEMO-GC26${String(from + i).padStart(2, '0')}`)
  const published = await draftAnnouncement(deps, as(SAMPLER), {
    number: '【演练】成市监抽检〔2026〕第12号',
    title: '【演练】2026年第四季度食品安全监督抽检信息（辣椒制品、火锅底料、肉制品）',
    period: '2026Q4',
    sampleNos: nos(1, 10),
    exercise: true,
  })
  await submitAnnouncement(deps, as(SAMPLER), published)
  await reviewAnnouncement(deps, as(REVIEWER), published, {
    decision: 'pass',
    comment: '检验报告与数据核对一致',
  })
  await approveAnnouncement(deps, as(APPROVER), published, { decision: 'pass', comment: '同意发布' })
  await publishOrSchedule(deps, as(APPROVER), published, {})

  const waiting = await draftAnnouncement(deps, as(SAMPLER), {
    number: '【演练】成市监抽检〔2026〕第13号',
    title: '【演练】2026年11月熟肉制品、蔬菜制品监督抽检信息',
    period: '2026-11',
    sampleNos: nos(11, 12),
    exercise: true,
  })
  await submitAnnouncement(deps, as(SAMPLER), waiting)
  await reviewAnnouncement(deps, as(REVIEWER), waiting, { decision: 'pass', comment: '请核准' })
  return { published, waiting }
}
