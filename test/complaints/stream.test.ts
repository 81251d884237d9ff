import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStream } from '../helpers/sse.js'
import { startTestApp, type TestApp } from '../helpers/test-app.js'
import { complaintBody, PUBLIC } from './helpers.js'

let t: TestApp

beforeAll(async () => {
  t = await startTestApp({ config: { COMPLAINT_RATE_PER_MINUTE: '1000' } })
})
afterAll(() => t.close())

describe('complaint and signal events on the live stream', () => {
  it('the command centre sees signal.raised; each district only its own complaints; no personal data', async () => {
    const commander = await openStream(`${t.baseUrl}/api/v1/stream?types=complaint.*,signal.*`, {
      token: await t.token('commander'),
    })
    const jinjiang = await openStream(`${t.baseUrl}/api/v1/stream`, {
      token: await t.token('district', { district: '510104' }),
    })
    const qingyang = await openStream(`${t.baseUrl}/api/v1/stream`, {
      token: await t.token('district', { district: '510105' }),
    })
    try {
      for (let i = 1; i <= 8; i++)
        await t.call('POST', PUBLIC, {
          body: complaintBody({
            product: { name: '麻辣牛肉干', batch: 'N-5' },
            description: `牛肉干第${i}件`,
          }),
        })
      const seen = await commander.until((m) => m.some((x) => x.data.type === 'signal.raised'))
      expect(seen.filter((m) => m.data.type === 'complaint.received')).toHaveLength(8)
      await jinjiang.until((m) => m.filter((x) => x.data.type === 'complaint.received').length === 8)
      // The neighbour sees none of it; signals are the command centre's.
      expect(qingyang.messages.filter((m) => m.data.type.startsWith('complaint.'))).toHaveLength(0)
      expect(jinjiang.messages.filter((m) => m.data.type.startsWith('signal.'))).toHaveLength(0)
      const text = JSON.stringify(seen)
      expect(text).not.toContain('13812345678')
      expect(text).not.toContain('张三')
      expect(text).not.toContain('牛肉干第')
    } finally {
      commander.close()
      jinjiang.close()
      qingyang.close()
    }
  })
})
