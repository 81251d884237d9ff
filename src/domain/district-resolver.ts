import type { District } from '../districts/district-directory.js'
import { SPACES } from './names.js'

/** Address prefixes above the county level, stripped before matching. */
const PREFIXES = [/^四川省/, /^四川/, /^成都市/, /^成都/]

/**
 * Tells the county-level division from an address: `成都市锦江区…` → 510104. Accepts the address without the
 * city (`锦江区…`), county-level cities and counties (`简阳市…`, `金堂县…`), and the names a division had
 * before it became a district (`双流县…`, `郫县…`), as older lab reports print them.
 */
export class DistrictResolver {
  private readonly names: [string, string][]

  constructor(districts: readonly District[]) {
    const names = new Map<string, string>()
    for (const d of districts) {
      names.set(d.nameZh, d.code)
      const base = d.nameZh.replace(/(区|县|市)$/, '')
      // Former names: a 区 that was a 县 (双流县 → 双流区), and 郫县 → 郫都区.
      if (base.length >= 2) for (const suffix of ['区', '县', '市']) names.set(`${base}${suffix}`, d.code)
      if (d.nameZh === '郫都区') names.set('郫县', d.code)
    }
    for (const d of districts) names.set(d.nameZh, d.code) // a current name wins over a former one
    // Longest first, so 新都区 is never read as a shorter name's prefix.
    this.names = [...names.entries()].sort((a, b) => b[0].length - a[0].length)
  }

  resolve(address: string): string | undefined {
    let rest = address.normalize('NFKC').replace(SPACES, '')
    for (const p of PREFIXES) rest = rest.replace(p, '')
    for (const [name, code] of this.names) if (rest.startsWith(name)) return code
    // Otherwise a full current name anywhere, if exactly one division is named.
    const found = new Set(this.names.filter(([name]) => rest.includes(name)).map(([, code]) => code))
    return found.size === 1 ? [...found][0] : undefined
  }
}
