import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.js'

describe('configuration from the environment', () => {
  it('has defaults for an embedded first start', () => {
    const c = loadConfig({})
    expect(c).toMatchObject({
      PORT: 3000,
      DATA_DIR: './data',
      TZ: 'Asia/Shanghai',
      SCHEDULER: true,
      SEED_DEMO: true,
      PUBLIC_BASE_URL: 'http://localhost:3000',
    })
    expect(c.DATABASE_URL).toBeUndefined()
  })

  it('does not seed the demo on PostgreSQL unless asked', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).SEED_DEMO).toBe(false)
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', SEED_DEMO: 'true' }).SEED_DEMO).toBe(true)
    expect(loadConfig({ PORT: '8080' }).PUBLIC_BASE_URL).toBe('http://localhost:8080')
  })

  it('names every bad variable at once', () => {
    let error: unknown
    try {
      loadConfig({
        PORT: 'eighty',
        TZ: 'Mars/Base',
        DATABASE_URL: 'mysql://x',
        SCHEDULER: 'maybe',
        LOG_LEVEL: 'loud',
      })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const names = (error as ConfigError).problems.map((p) => p.split(':')[0]).sort()
    expect(names).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'SCHEDULER', 'TZ'])
  })
})
