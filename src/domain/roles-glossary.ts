import type { Role } from './enums.js'

/**
 * The one name of each role, in both languages, with what it does: pages, API descriptions and the README
 * say these and nothing else (test/console/roles-glossary.test.ts holds them to it).
 */
export const ROLE_GLOSSARY: Record<Role, { zh: string; en: string; does: { zh: string; en: string } }> = {
  admin: {
    zh: '系统管理员',
    en: 'Administrator',
    does: {
      zh: '管理账户、令牌、经营者、联系人和推送',
      en: 'manages accounts, tokens, retailers, contacts, webhooks',
    },
  },
  commander: {
    zh: '指挥中心',
    en: 'Command centre',
    does: {
      zh: '启动事件、调整级别、改派和关闭',
      en: 'activates incidents, changes levels, reassigns, closes',
    },
  },
  district: {
    zh: '区县值守',
    en: 'District officer',
    does: { zh: '承办本区县的任务并上报', en: 'acknowledges and reports on the own district’s tasks' },
  },
  sampler: {
    zh: '抽检录入',
    en: 'Sampling clerk',
    does: { zh: '录入和导入样品，起草公告', en: 'records and imports samples, drafts announcements' },
  },
  reviewer: {
    zh: '审核人',
    en: 'Reviewer',
    does: { zh: '审核公告（一审）', en: 'reviews announcements (first check)' },
  },
  approver: {
    zh: '审批人',
    en: 'Approver',
    does: { zh: '审批并发布公告（一核）', en: 'approves and publishes announcements (second check)' },
  },
  retailer: {
    zh: '经营者',
    en: 'Retailer',
    does: { zh: '确认本店公示栏', en: 'confirms the own shop’s board' },
  },
}

/** "指挥中心 Command centre" — both names, where a page or message shows one role to anyone. */
export const roleName = (role: Role, lang?: 'zh' | 'en') =>
  lang ? ROLE_GLOSSARY[role][lang] : `${ROLE_GLOSSARY[role].zh} ${ROLE_GLOSSARY[role].en}`

/** For API descriptions: `admin` (系统管理员 Administrator), `commander` (指挥中心 Command centre), … */
export const rolesDescription = () =>
  (Object.keys(ROLE_GLOSSARY) as Role[]).map((r) => `\`${r}\` (${roleName(r)})`).join(', ')
