import type { SearchEntry } from '../../src/public/search.js'
import { datesIn, searchText } from '../../src/public/search.js'

const FOODS = [
  '辣椒面',
  '剁辣椒',
  '辣椒酱',
  '鲜猪肉',
  '猪肉脯',
  '牛肉干',
  '豆腐干',
  '米粉',
  '挂面',
  '菜籽油',
  '花椒',
  '火锅底料',
  '腊肉',
  '香肠',
  '酱油',
  '食醋',
  '白酒',
  '饼干',
  '月饼',
  '豆瓣酱',
]
const BRANDS = ['蜀红', '川味坊', '天府', '锦城', '蓉香', '巴蜀', '青城', '峨眉', '']
const UNITS = ['某超市', '某农贸市场', '某便利店', '某食品店', '某商行']
const DISTRICTS = ['锦江区', '青羊区', '金牛区', '武侯区', '成华区', '龙泉驿区', '新都区', '郫都区']

/** Deterministic synthetic published samples shaped like sampling results: ~1 in 12 fails. */
export function syntheticEntries(n: number): SearchEntry[] {
  let seed = 42
  const rnd = (k: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed % k
  }
  const out: SearchEntry[] = []
  for (let i = 0; i < n; i++) {
    const food = `${FOODS[rnd(FOODS.length)]}`
    const brand = BRANDS[rnd(BRANDS.length)] ?? ''
    const batch = `2026${String(rnd(12) + 1).padStart(2, '0')}${String(rnd(28) + 1).padStart(2, '0')}-B${String(rnd(10000)).padStart(4, '0')}`
    const unit = `${DISTRICTS[rnd(DISTRICTS.length)]}${UNITS[rnd(UNITS.length)]}${i % 500}号店`
    const producer = `四川${brand || '某'}食品有限公司${i % 97}`
    const failed = rnd(12) === 0
    out.push({
      text: searchText(
        food,
        brand,
        batch,
        producer,
        unit,
        '调味品',
        failed ? '苏丹红Ⅰ' : '',
        ...datesIn(batch),
      ),
      rank: failed ? 0 : 4,
      time: 1_780_000_000_000 + i * 1000,
      hit: {
        kind: 'sample',
        verdict: failed ? 'failed' : 'passed',
        exercise: false,
        ended: false,
        productName: food,
        brand: brand || null,
        batch,
        producer,
        unitName: unit,
        category: '调味品',
        items: failed ? [{ name: '苏丹红Ⅰ', result: '12.5μg/kg', limit: '不得检出' }] : [],
        reason: null,
        date: '2026-11-30T09:00:00+08:00',
        reference: `成市监抽检〔2026〕第${(i % 40) + 1}号`,
        alertId: null,
        url: null,
      },
    })
  }
  return out
}
