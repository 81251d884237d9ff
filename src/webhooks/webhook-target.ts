import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'

/**
 * Where a webhook may point. The URL is checked as typed (an http(s) URL with a host right after `//`, no
 * user name or password: those would be sent to the receiver, logged and stored with every failure), and its
 * host is resolved: unless WEBHOOK_ALLOW_PRIVATE, every address it resolves to must be public, so that an
 * admin token cannot make the service probe the machine it runs on or the network behind it. Checked when a
 * subscription is made and again before every delivery (a name may resolve elsewhere by then).
 */

/** Loopback, private, link-local, shared (CGNAT), unspecified, benchmark, multicast and reserved ranges. */
const NOT_PUBLIC = new BlockList()
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv4')
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  NOT_PUBLIC.addSubnet(net, prefix, 'ipv6')

/** True for an address a webhook may not reach unless private targets are allowed. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 4) return NOT_PUBLIC.check(address, 'ipv4')
  if (family !== 6) return true
  const lower = address.toLowerCase()
  // IPv4 written as IPv6 (::ffff:a.b.c.d, and NAT64's 64:ff9b::a.b.c.d): judge the IPv4 inside.
  const mapped = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower)
  if (mapped?.[1]) return isNonPublicAddress(mapped[1])
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower)
  if (hex?.[1] && hex[2]) {
    const n = (Number.parseInt(hex[1], 16) << 16) | Number.parseInt(hex[2], 16)
    return isNonPublicAddress([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'))
  }
  return NOT_PUBLIC.check(address, 'ipv6')
}

/** What is wrong with a webhook URL as typed, in both languages; undefined when nothing is. */
export function urlProblem(raw: string): { zh: string; en: string } | undefined {
  // `http:///nohost` parses (the parser skips the empty host) but is not what anyone meant.
  if (!/^https?:\/\/[^/\\?#]/i.test(raw))
    return {
      zh: '须为 http:// 或 https:// 开头、紧接主机名的地址',
      en: 'must be http(s):// followed by a host',
    }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return { zh: '不是合法的地址', en: 'not a valid URL' }
  }
  if (url.username || url.password)
    return {
      zh: '地址中不得包含用户名或密码（会被记入日志）；请改用签名密钥验证来源',
      en: 'must not carry a user name or password (they would be logged); receivers verify the signature',
    }
  if (!url.hostname) return { zh: '缺少主机名', en: 'has no host' }
  return undefined
}

/** The URL with any user name and password taken out, for logs and stored errors. */
export function redactUrl(text: string): string {
  return text.replace(/(https?:\/\/)[^/\s@]*@/gi, '$1')
}

/** One address a host name resolves to. */
export interface ResolvedAddress {
  address: string
  family: 4 | 6
}

/** Resolves a host name to its addresses (the system resolver; tests hand in their own). */
export type HostResolver = (host: string) => Promise<ResolvedAddress[]>

export const systemResolver: HostResolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }))

export type TargetCheck =
  /** `address`: the one to connect to, the one checked (absent only when private targets are allowed and the
   * name did not resolve: the connection then fails on its own). */
  | { ok: true; address?: ResolvedAddress }
  | { ok: false; reason: 'unresolvable' | 'not_public'; text: { zh: string; en: string } }

/**
 * Resolves the URL's host once and checks every address it gives (unless private targets are allowed). The
 * delivery then connects to the address returned here, not to whatever the name resolves to a moment later:
 * a name that answered with a public address for the check and a loopback one for the connection (DNS
 * rebinding) cannot steer the request inside.
 */
export async function checkTarget(
  raw: string,
  allowPrivate: boolean,
  resolve: HostResolver = systemResolver,
): Promise<TargetCheck> {
  const host = new URL(raw).hostname.replace(/^\[(.*)\]$/, '$1')
  let addresses: ResolvedAddress[]
  try {
    const family = isIP(host)
    addresses = family ? [{ address: host, family: family === 6 ? 6 : 4 }] : await resolve(host)
  } catch {
    if (allowPrivate) return { ok: true }
    return {
      ok: false,
      reason: 'unresolvable',
      text: { zh: `无法解析主机名 ${host}`, en: `host ${host} does not resolve` },
    }
  }
  const blocked = allowPrivate ? undefined : addresses.find((a) => isNonPublicAddress(a.address))
  const [first] = addresses
  if (blocked === undefined && first) return { ok: true, address: first }
  if (allowPrivate) return { ok: true }
  return {
    ok: false,
    reason: 'not_public',
    text: {
      zh: `主机 ${host} 指向本机或内网地址（${blocked?.address ?? '无'}）；WEBHOOK_ALLOW_PRIVATE 未开启`,
      en: `host ${host} resolves to a loopback or private address (${blocked?.address ?? 'none'}); WEBHOOK_ALLOW_PRIVATE is off`,
    },
  }
}

/**
 * Whether a signing secret has the randomness it claims: its bytes must not repeat much (an all-zero or
 * patterned secret, such as `whsec_AAAA…`, signs nothing). Random bytes of these lengths show far more distinct
 * values than half their count; the chance that a random secret fails is below 1e-9.
 */
export function secretLooksRandom(bytes: Buffer): boolean {
  return new Set(bytes).size >= Math.ceil(bytes.length / 2)
}
