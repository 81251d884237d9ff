import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * Passwords are hashed with scrypt from node:crypto (no native add-on to build), with a random 16-byte salt
 * per hash and N=2^15, r=8, p=1 (the OWASP minimum for scrypt): 32 MiB and, measured on the shared 2-core
 * development machine under load, about 150 ms per hash. It runs on libuv's thread pool, not the event loop. The stored string names its parameters,
 * `scrypt$N=32768,r=8,p=1$<salt>$<hash>`, so they can be raised later without invalidating old hashes.
 */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 } as const

export const PASSWORD_MIN_LENGTH = 10
export const PASSWORD_MAX_LENGTH = 200

interface Params {
  N: number
  r: number
  p: number
  keyLength: number
}

function derive(password: string, salt: Buffer, params: Params): Promise<Buffer> {
  return new Promise((ok, fail) =>
    scrypt(
      password.normalize('NFC'),
      salt,
      params.keyLength,
      // Node refuses more than 32 MiB by default, which is exactly what N=2^15, r=8 needs.
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r },
      (err, key) => (err ? fail(err) : ok(key)),
    ),
  )
}

export async function hashPassword(password: string, params: Params = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, params)
  return `scrypt$N=${params.N},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`
}

const FORMAT = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/

/** Constant-time comparison of the derived key; a malformed stored string never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = FORMAT.exec(stored)
  if (!m) return false
  const expected = Buffer.from(m[5]!, 'base64')
  const params = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]), keyLength: expected.length }
  const key = await derive(password, Buffer.from(m[4]!, 'base64'), params)
  return key.length === expected.length && timingSafeEqual(key, expected)
}

let dummy: Promise<string> | undefined
/**
 * A hash of nothing anyone knows, verified against when the login is unknown so that an unknown login costs
 * the same scrypt as a wrong password and the answer's timing does not tell them apart.
 */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(24).toString('base64'))
  return dummy
}

export interface PasswordProblem {
  zh: string
  en: string
}

type Guesser = {
  check(
    password: string,
    userInputs?: (string | number)[],
  ): { score: number; sequence: { pattern: string }[] }
}
let guesser: Guesser | undefined

/**
 * zxcvbn (the maintained TypeScript port) with its common-password, name and keyboard lists: about 0.3 s and a
 * few MB to load, so loaded at the first password that is checked, not at start-up.
 */
async function loadGuesser(): Promise<Guesser> {
  if (!guesser) {
    const [{ ZxcvbnFactory }, common] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
    ])
    guesser = new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs })
  }
  return guesser
}

/** zxcvbn's score from 0 to 4; 3 is "safely unguessable" for a slow hash, and the least we take. */
export const PASSWORD_MIN_SCORE = 3

const WEAK_BECAUSE: Record<string, PasswordProblem> = {
  dictionary: { zh: '是常见密码或常用词', en: 'is a common password or word' },
  sequence: { zh: '是连续的字母或数字', en: 'is a run of letters or digits' },
  spatial: { zh: '是键盘上相邻的按键', en: 'is a run of neighbouring keys' },
  repeat: { zh: '是重复的片段', en: 'repeats itself' },
  date: { zh: '是日期', en: 'is a date' },
  regex: { zh: '是年份之类的常见模式', en: 'is a common pattern such as a year' },
}

/**
 * Every problem with a chosen password at once (一次性告知), in both languages. When the basic rules pass, the
 * password must also not be easy to guess: zxcvbn estimates the guesses an attacker needs (common passwords,
 * names, keyboard runs, dates, the login itself), and anything under PASSWORD_MIN_SCORE is refused with the
 * kind of guess that finds it (`1234567890` is among the hundred most used passwords).
 */
export async function passwordProblems(password: string, login?: string): Promise<PasswordProblem[]> {
  const problems: PasswordProblem[] = []
  const length = [...password].length
  if (length < PASSWORD_MIN_LENGTH)
    problems.push({
      zh: `至少需要 ${PASSWORD_MIN_LENGTH} 个字符`,
      en: `must be at least ${PASSWORD_MIN_LENGTH} characters`,
    })
  if (length > PASSWORD_MAX_LENGTH)
    problems.push({
      zh: `最多 ${PASSWORD_MAX_LENGTH} 个字符`,
      en: `must be at most ${PASSWORD_MAX_LENGTH} characters`,
    })
  if (password.trim() !== password)
    problems.push({ zh: '首尾不能是空格', en: 'must not start or end with a space' })
  if (/^(.)\1*$/u.test(password) && length > 0)
    problems.push({ zh: '不能是同一个字符的重复', en: 'must not be one character repeated' })
  if (login && password.toLowerCase().includes(login.toLowerCase()))
    problems.push({ zh: '不能包含登录名', en: 'must not contain the login name' })
  if (problems.length > 0) return problems
  const result = (await loadGuesser()).check(password, login ? [login] : [])
  if (result.score < PASSWORD_MIN_SCORE) {
    const kind = result.sequence.map((m) => WEAK_BECAUSE[m.pattern]).find((k) => k !== undefined)
    problems.push({
      zh: `太容易被猜到${kind ? `（${kind.zh}）` : ''}；请用更长、不常见的密码，例如几个不相关的词`,
      en: `is too easy to guess${kind ? ` (${kind.en})` : ''}; use a longer, uncommon one, such as a few unrelated words`,
    })
  }
  return problems
}

// No 0/O, 1/l/I: read aloud or copied from a screen without mistakes.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

/** A one-time password, 15 characters from 31 (about 74 bits), grouped for reading: `abcde-fghjk-mnpqr`. */
export function generateOneTimePassword(): string {
  const chars = Array.from({ length: 15 }, () => ALPHABET[randomInt(ALPHABET.length)])
  return [chars.slice(0, 5), chars.slice(5, 10), chars.slice(10)].map((g) => g.join('')).join('-')
}
