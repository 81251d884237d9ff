import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/test-app.js'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

describe('smoke', () => {
  it('lists 20 districts', async () => {
    const r = await t.call('GET', '/api/v1/districts')
    expect(r.status).toBe(200)
    expect(r.body.items).toHaveLength(20)
  })
})
