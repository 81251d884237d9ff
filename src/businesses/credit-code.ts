import type { Text } from '../domain/errors.js'

/**
 * The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from 0–9 and the capitals
 * without I, O, Z, S and V; the last is a check character over the first 17, weighted by 3^(i-1) mod 31.
 */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

/** The check character the first 17 characters call for (undefined when one is outside the charset). */
export function creditCodeCheckChar(first17: string): string | undefined {
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const value = CHARSET.indexOf(first17[i] ?? '')
    if (value < 0) return undefined
    sum += value * (WEIGHTS[i] ?? 0)
  }
  return CHARSET[(31 - (sum % 31)) % 31]
}

/** Why a code is not a valid credit code, in both languages; undefined when it is. */
export function creditCodeProblem(code: string): Text | undefined {
  if (code.length !== 18)
    return {
      zh: `统一社会信用代码应为 18 位，这里是 ${code.length} 位`,
      en: `a unified social credit code has 18 characters, not ${code.length}`,
    }
  const bad = [...code].filter((ch) => !CHARSET.includes(ch))
  if (bad.length > 0)
    return {
      zh: `统一社会信用代码只用数字和大写字母（不含 I、O、Z、S、V），不能含「${[...new Set(bad)].join('')}」`,
      en: `a unified social credit code uses digits and capitals other than I, O, Z, S, V, not "${[...new Set(bad)].join('')}"`,
    }
  const expected = creditCodeCheckChar(code.slice(0, 17))
  if (expected !== code[17])
    return {
      zh: `校验位不符：按前 17 位应为「${expected}」，这里是「${code[17]}」`,
      en: `the check character should be "${expected}" for the first 17 characters, not "${code[17]}"`,
    }
  return undefined
}
