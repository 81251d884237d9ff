import type { AnnouncementDetail, AnnouncementPagesSource } from '../../src/public/announcement-pages.js'
import { XSS } from '../alerts/fixtures.js'

/** A stand-in for issue 8's published announcements: one table and the seed's 35 % → 67.5 % story. */
export const fixtureAnnouncement: AnnouncementDetail = {
  id: '7d1f0c7e-3b8a-4f59-9a51-4c1f7d5e2a10',
  number: '成市监抽检〔2026〕第12号',
  title: '2026年第12期食品安全监督抽检信息',
  publishedAt: '2026-11-30T09:00:00+08:00',
  kind: 'original',
  sampleCount: 2,
  failedCount: 1,
  csvUrl: '/api/v1/public/announcements/7d1f0c7e-3b8a-4f59-9a51-4c1f7d5e2a10.csv',
  rows: [
    {
      producer: '四川某食品有限公司',
      producerAddress: '成都市新都区',
      unitName: '青羊区某超市',
      unitAddress: '成都市青羊区某路1号',
      foodName: XSS,
      spec: '500g/袋',
      brand: '蜀红',
      batch: '2026-10-15/B0427',
      failingItems: [{ name: '苏丹红Ⅰ', result: '12.5μg/kg', limit: '不得检出' }],
      category: '调味品',
      lab: '四川省食品检验研究院',
      note: '',
    },
  ],
}

export const fixtureSource: AnnouncementPagesSource = {
  list: async () => [fixtureAnnouncement],
  get: async (id) => (id === fixtureAnnouncement.id ? fixtureAnnouncement : undefined),
  stats: async () => ({
    periods: [
      { label: '2005 Q1', tested: 40, passed: 14 },
      { label: '2005 Q2', tested: 40, passed: 20 },
      { label: '2005 Q3', tested: 40, passed: 24 },
      { label: '2005 Q4', tested: 40, passed: 27 },
    ],
    byCategory: [{ label: '调味品', tested: 80, passed: 45 }],
    byDistrict: [{ label: '青羊区', tested: 80, passed: 40 }],
  }),
}
