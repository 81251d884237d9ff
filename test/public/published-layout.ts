/**
 * Sampling results in the published layout (the columns of a 食品安全监督抽检信息 table), generated: a
 * real-sized failing table across Chengdu's 20 districts, for tests and for trying the service by hand.
 */
const HEADER =
  '抽样编号,序号,标称生产企业名称,标称生产企业地址,被抽样单位名称,被抽样单位地址,食品名称,规格型号,商标,生产日期/批号,不合格项目║检验结果║标准值,分类,检验机构,备注'

export const DISTRICTS: [string, string][] = [
  ['510104', '锦江区'],
  ['510105', '青羊区'],
  ['510106', '金牛区'],
  ['510107', '武侯区'],
  ['510108', '成华区'],
  ['510112', '龙泉驿区'],
  ['510113', '青白江区'],
  ['510114', '新都区'],
  ['510115', '温江区'],
  ['510116', '双流区'],
  ['510117', '郫都区'],
  ['510118', '新津区'],
  ['510185', '简阳市'],
  ['510181', '都江堰市'],
  ['510182', '彭州市'],
  ['510183', '邛崃市'],
  ['510184', '崇州市'],
  ['510121', '金堂县'],
  ['510129', '大邑县'],
  ['510131', '蒲江县'],
]

const FOODS: [string, string, string][] = [
  ['香辣辣椒酱', '调味品', '苏丹红Ⅰ║1.8mg/kg║不得检出'],
  ['特辣辣椒面', '调味品', '苏丹红Ⅳ║0.9mg/kg║不得检出'],
  ['红油火锅底料', '方便食品', '苏丹红Ⅰ号║2.6mg/kg║不得检出'],
  ['牛油火锅底料', '方便食品', '过氧化值(以脂肪计)║0.61g/100g║≤0.25g/100g'],
  ['腊肉（散装）', '肉制品', '菌落总数║2.1×10⁶CFU/g║≤10⁵CFU/g'],
  ['郫县豆瓣', '调味品', '苏丹红Ⅰ║0.52mg/kg║不得检出'],
  ['辣椒油', '食用油、油脂及其制品', '酸价(KOH)║4.2mg/g║≤3mg/g'],
  ['鲜猪肉（前腿）', '食用农产品', '克伦特罗║1.2μg/kg║不得检出'],
]
const BRANDS = ['蜀味坊', '巴渝红', '蜀香', '川老汇', '天府红', '锦城', '蓉香']
const SHOPS = ['红旗连锁', '舞东风超市', '互惠超市', '菜市场 王记干杂店', '家乐福', '伊藤洋华堂']

/** A date or batch written the ways labs print them (2026-09-12, 2026/9/12, 20260912, 2026年9月12日, …). */
function printedDate(i: number): string {
  const m = (i % 9) + 1
  const d = (i % 27) + 1
  const pad = (n: number) => String(n).padStart(2, '0')
  switch (i % 5) {
    case 0:
      return `2026-${pad(m)}-${pad(d)}`
    case 1:
      return `2026/${m}/${d}`
    case 2:
      return `2026${pad(m)}${pad(d)}`
    case 3:
      return `(购进日期)2026/${m}/${d}`
    default:
      return `LOT2026${pad(m)}${pad(d)}-B${String(1000 + i).slice(-4)}`
  }
}

/**
 * `n` failing samples, one a row, spread over the 20 districts (row i in DISTRICTS[i % 20]); `at` names a
 * shop (and its address) that the first `atCount` rows were sampled at. Sample numbers start at `from`.
 */
export function failingCsv(
  n: number,
  opts: { prefix?: string; at?: { name: string; address: string }; atCount?: number } = {},
): string {
  const prefix = opts.prefix ?? 'GC26'
  const rows = [HEADER]
  for (let i = 0; i < n; i++) {
    const [code, district] = DISTRICTS[i % DISTRICTS.length] ?? ['510104', '锦江区']
    const [food, category, item] = FOODS[i % FOODS.length] ?? FOODS[0]!
    const brand = BRANDS[i % BRANDS.length] ?? ''
    const own = opts.at && i < (opts.atCount ?? 0)
    const unit = own ? opts.at!.name : `${district}${SHOPS[i % SHOPS.length]}${(i % 7) + 1}号店`
    const address = own ? opts.at!.address : `成都市${district}人民路${(i % 90) + 1}号`
    rows.push(
      [
        `${prefix}${code}${String(i).padStart(4, '0')}`,
        String(i + 1),
        `四川${brand}食品有限公司`,
        '四川省成都市郫都区安德镇川菜产业园',
        unit,
        address,
        food,
        '500g/袋',
        brand,
        printedDate(i),
        item,
        category,
        '四川省食品检验研究院',
        '',
      ].join(','),
    )
  }
  return `${rows.join('\n')}\n`
}

/** Sample numbers `failingCsv` gives. */
export const failingNos = (n: number, prefix = 'GC26') =>
  Array.from(
    { length: n },
    (_, i) => `${prefix}${DISTRICTS[i % DISTRICTS.length]?.[0]}${String(i).padStart(4, '0')}`,
  )
