import type { DistrictDirectory } from '../districts/district-directory.js'
import { DistrictResolver } from '../domain/district-resolver.js'

const resolvers = new WeakMap<DistrictDirectory, DistrictResolver>()

const PROVINCE = /^[\p{Script=Han}]{2,8}?(省|自治区|特别行政区)/u
// A city followed by a county-level division (绵阳市涪城区), not any word ending in 市 (夜市, 超市).
const CITY = /^[\p{Script=Han}]{2,4}?市[\p{Script=Han}]{1,6}?(区|县|市|旗)/u
const MUNICIPALITIES = /^(北京|上海|天津|重庆|香港|澳门)/

/**
 * Where a business is, told from its address with the resolver the sampling import uses: a district code;
 * `null` when the address names no district of the city (the complaint goes to the city queue, where the
 * command centre assigns it); `outside` when it names another province or city.
 */
export function placeAddress(districts: DistrictDirectory, address: string): string | null | 'outside' {
  let resolver = resolvers.get(districts)
  if (!resolver) {
    resolver = new DistrictResolver(districts.items)
    resolvers.set(districts, resolver)
  }
  const code = resolver.resolve(address)
  if (code) return code
  const raw = address.normalize('NFKC').replace(/[\s\u3000]+/g, '')
  const province = PROVINCE.exec(raw)?.[0]
  if (province && !province.startsWith('四川')) return 'outside'
  const rest = raw.replace(/^四川省?/, '')
  if (MUNICIPALITIES.test(rest)) return 'outside'
  if (rest.startsWith('成都')) return null
  // Another city of the province (绵阳市…); the city's own county-level cities were resolved above.
  if (CITY.test(rest)) return 'outside'
  return null
}
