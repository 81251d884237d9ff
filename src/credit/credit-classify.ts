import type { Text } from '../domain/errors.js'
import { normaliseName } from '../domain/names.js'
import { CREDIT_CLASSES, type CreditClass, type CreditRules } from './credit-rules.schema.js'

/** A published, non-exercise sample of the business within the window. */
export interface CreditFact {
  sampleNo: string
  foodName: string
  /** YYYY-MM-DD: sampled on, or published on when the sampling date is not known. */
  on: string
  verdict: 'pass' | 'fail'
  role: 'seller' | 'producer'
  /** Names of the failed test items. */
  failedItems: string[]
}

/** A rectification case of the business opened within the window that counts against it. */
export interface RectificationFact {
  foodName: string
  /** YYYY-MM-DD the case opened. */
  on: string
  overdue: boolean
  refused: boolean
}

/** A recorded random inspection of the business within the window. */
export interface InspectionFact {
  /** YYYY-MM-DD recorded. */
  on: string
  result: 'pass' | 'issues_found' | 'rectification_opened'
}

/** A complaint upheld against the business within the window (mediation agreed, or a report's case opened). */
export interface ComplaintFact {
  /** YYYY-MM-DD closed. */
  on: string
  kind: 'complaint' | 'report'
  /** The product complained of, when named. */
  product: string | null
}

export interface Classification {
  class: CreditClass
  score: number
  lines: Text[]
}

/**
 * The severity class of a failing sample: each failed item is of the first hazard class one of whose words
 * it contains (the default class when none), and the sample counts as its most severe item.
 */
export function hazardOf(rules: CreditRules, items: readonly string[]) {
  const classes = items.map((item) => {
    const name = normaliseName(item)
    return (
      rules.hazard_classes.find((h) => h.words.some((w) => name.includes(normaliseName(w)))) ??
      rules.default_class
    )
  })
  return classes.reduce(
    (worst, h) => (h.points > worst.points ? h : worst),
    classes[0] ?? rules.default_class,
  )
}

const signed = (n: number) => (n >= 0 ? `+${n}` : `−${-n}`)

/**
 * A business's class from its record, with one line per thing that counted and the sum: the explanation a
 * business, a consumer and an officer read. Pure: the same facts and rules give the same class and words.
 */
export function classify(
  rules: CreditRules,
  facts: readonly CreditFact[],
  cases: readonly RectificationFact[] = [],
  inspections: readonly InspectionFact[] = [],
  complaints: readonly ComplaintFact[] = [],
): Classification {
  const lines: Text[] = []
  let score = 0
  const failing = facts.filter((f) => f.verdict === 'fail').sort((a, b) => a.on.localeCompare(b.on))
  if (rules.inputs.failing_samples.enabled)
    for (const f of failing) {
      const h = hazardOf(rules, f.failedItems)
      score += h.points
      const role = f.role === 'seller' ? { zh: '销售', en: 'sold' } : { zh: '标称生产', en: 'made' }
      lines.push({
        zh: `${f.on} ${role.zh}的「${f.foodName}」抽检不合格（${f.failedItems.join('、') || '不合格'}，${h.name.zh}）${signed(h.points)} 分`,
        en: `${f.on}: ${f.foodName} (${role.en}) failed (${f.failedItems.join(', ') || 'failed'}; ${h.name.en}) ${signed(h.points)}`,
      })
    }
  const resample = rules.inputs.passed_resamples
  if (resample && failing.length > 0) {
    const firstFailure = failing[0]?.on ?? ''
    const passed = facts
      .filter((f) => f.verdict === 'pass' && f.role === 'seller' && f.on > firstFailure)
      .slice(0, failing.length)
    for (const p of passed) {
      score += resample.points
      lines.push({
        zh: `${p.on} 复抽「${p.foodName}」合格 ${signed(resample.points)} 分`,
        en: `${p.on}: re-sampled ${p.foodName} passed ${signed(resample.points)}`,
      })
    }
  }
  const overdue = rules.inputs.rectifications_overdue
  const refused = rules.inputs.rectifications_refused
  for (const c of [...cases].sort((a, b) => a.on.localeCompare(b.on))) {
    if (refused && c.refused) {
      score += refused.points
      lines.push({
        zh: `${c.on} 「${c.foodName}」整改被拒绝 ${signed(refused.points)} 分`,
        en: `${c.on}: rectification of ${c.foodName} refused ${signed(refused.points)}`,
      })
    } else if (overdue && c.overdue) {
      score += overdue.points
      lines.push({
        zh: `${c.on} 「${c.foodName}」整改逾期 ${signed(overdue.points)} 分`,
        en: `${c.on}: rectification of ${c.foodName} overdue ${signed(overdue.points)}`,
      })
    }
  }
  const upheld = rules.inputs.upheld_complaints
  if (upheld)
    for (const c of [...complaints].sort((a, b) => a.on.localeCompare(b.on))) {
      score += upheld.points
      const what = c.product ? `「${c.product}」` : ''
      const whatEn = c.product ? ` about ${c.product}` : ''
      lines.push(
        c.kind === 'report'
          ? {
              zh: `${c.on} 举报${what}经查实立案 ${signed(upheld.points)} 分`,
              en: `${c.on}: a report${whatEn} was upheld and a case opened ${signed(upheld.points)}`,
            }
          : {
              zh: `${c.on} 投诉${what}经调解达成、消费者获赔 ${signed(upheld.points)} 分`,
              en: `${c.on}: a complaint${whatEn} was upheld in mediation ${signed(upheld.points)}`,
            },
      )
    }
  // A clean inspection earns points back only while there are points to earn back (like a passed re-sample).
  const clean = rules.inputs.clean_inspections
  if (clean)
    for (const i of [...inspections]
      .filter((x) => x.result === 'pass')
      .sort((a, b) => a.on.localeCompare(b.on))) {
      if (score <= 0) break
      score += clean.points
      lines.push({
        zh: `${i.on} 双随机抽查未发现问题 ${signed(clean.points)} 分`,
        en: `${i.on}: random inspection found nothing ${signed(clean.points)}`,
      })
    }
  score = Math.max(0, score)
  const cls = [...CREDIT_CLASSES].reverse().find((c) => score >= rules.classes[c].min) ?? 'A'
  const band = rules.classes[cls]
  if (failing.length === 0)
    lines.unshift({
      zh: `近 ${rules.window_months} 个月无已公布的不合格抽检记录`,
      en: `No published failing sample in the last ${rules.window_months} months`,
    })
  lines.push({
    zh: `合计 ${score} 分：${cls} 类（${band.name.zh}，${band.min} 分起）`,
    en: `${score} points in all: class ${cls} (${band.name.en}, from ${band.min} points)`,
  })
  return { class: cls, score, lines }
}
