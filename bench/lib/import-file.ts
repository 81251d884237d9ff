/** The import benchmark's file: ROWS rows in the published layout with the sample number in front. */
export const ROWS = 100_000

const HEADER =
  '抽样编号,序号,标称生产企业名称,标称生产企业地址,被抽样单位名称,被抽样单位地址,食品名称,规格型号,商标,生产日期/批号,不合格项目║检验结果║标准值,分类,检验机构,备注'
const PLACES = [
  '成都市锦江区春熙路南段',
  '成都市青羊区光华大道一段',
  '成都市武侯区浆洗街',
  '简阳市东溪街道人民路',
  '金堂县赵镇迎宾大道',
  '成都市新都区桂湖中路',
]
const FOODS = [
  ['香辣辣椒酱', '调味品', '苏丹红Ⅰ号║1.8mg/kg║不得检出'],
  ['牛油火锅底料', '方便食品', '过氧化值(以脂肪计)║0.61g/100g║≤0.25g/100g'],
  ['腊肉', '肉制品', '菌落总数║2.1×10⁶CFU/g║≤10⁵CFU/g'],
  ['郫县豆瓣', '调味品', '苏丹红Ⅳ号║0.35mg/kg║不得检出'],
] as const

/** `rows` rows (ROWS by default): one sample in ten fails, and one failing sample in four spans a second row. */
export function makeImportFile(prefix: string, rows = ROWS): { text: string; samples: number } {
  const lines = [HEADER]
  let n = 0
  while (lines.length <= rows) {
    const [food, category, item] = FOODS[n % FOODS.length] ?? FOODS[0]
    const fails = n % 10 === 0
    const no = `${prefix}${String(n).padStart(7, '0')}`
    lines.push(
      `${no},${n + 1},成都某食品有限公司${n % 97},四川省成都市郫都区安德镇${n % 89}号,某超市第${n}分店,${PLACES[n % PLACES.length]}${n % 500}号,${food},500g/袋,某牌,2026-0${(n % 9) + 1}-1${n % 9},${fails ? item : ''},${category},四川省食品检验研究院,`,
    )
    if (fails && n % 40 === 0 && lines.length <= rows)
      lines.push(`${no},,,,,,,,,,过氧化值║0.5g/100g║≤0.25g/100g,,,`)
    n++
  }
  return { text: `${lines.join('\n')}\n`, samples: n }
}
