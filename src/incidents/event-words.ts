import type { TaskStatus } from '../domain/enums.js'

type Lang = 'zh' | 'en'
type Words = readonly [zh: string, en: string]

/** What each event on an incident's timeline is, in words. */
const EVENT_NAMES: Record<string, Words> = {
  'incident.activated': ['事件启动', 'Incident activated'],
  'incident.level_raised': ['响应级别提高', 'Level raised'],
  'incident.level_lowered': ['响应级别降低', 'Level lowered'],
  'incident.closed': ['事件关闭', 'Incident closed'],
  'task.created': ['任务下达', 'Task created'],
  'task.acknowledged': ['任务确认', 'Task acknowledged'],
  'task.started': ['开始处置', 'Task started'],
  'task.completed': ['任务完成', 'Task completed'],
  'task.declined': ['任务拒绝', 'Task declined'],
  'task.cancelled': ['任务取消', 'Task cancelled'],
  'task.reported': ['上报进展', 'Progress reported'],
  'task.disposal_recorded': ['记录处置情况', 'Disposal recorded'],
  'task.report_corrected': ['更正上报', 'Report corrected'],
  'task.reassigned': ['任务改派', 'Task reassigned'],
  'task.escalated': ['升级通知', 'Escalated'],
  'alert.issued': ['发布消费提示', 'Alert issued'],
  'alert.updated': ['更新消费提示', 'Alert updated'],
  'alert.cancelled': ['撤销消费提示', 'Alert cancelled'],
}

/** Every payload field an incident's events carry, named for people. */
const KEYS: Record<string, Words> = {
  step: ['步骤', 'Step'],
  exercise: ['演练', 'Exercise'],
  occurrence: ['轮次', 'Occurrence'],
  ackDueAt: ['确认时限', 'Acknowledge by'],
  dueAt: ['办结时限', 'Due'],
  recurring: ['周期任务', 'Recurring'],
  reassignedFrom: ['改派自任务', 'Reassigned from task'],
  reason: ['原因', 'Reason'],
  owner: ['承办人', 'Owner'],
  note: ['说明', 'Note'],
  figures: ['上报数值', 'Figures'],
  sample: ['样品', 'Sample'],
  sampleNo: ['抽样编号', 'Sample no.'],
  report: ['被更正的上报', 'Corrected report'],
  change: ['更正变化', 'Change'],
  district: ['区县', 'District'],
  districts: ['区县', 'Districts'],
  clock: ['计时', 'Clock'],
  rung: ['升级层级', 'Rung'],
  repeat: ['重复次数', 'Repeat'],
  notify: ['通知对象', 'Notified'],
  late: ['迟发', 'Late'],
  lateBySeconds: ['迟发秒数', 'Late by (s)'],
  skippedRepeats: ['跳过的重复', 'Skipped repeats'],
  contact: ['联系人', 'Contact'],
  name: ['姓名', 'Name'],
  phone: ['电话', 'Phone'],
  code: ['事件编号', 'Code'],
  playbook: ['预案', 'Playbook'],
  playbookHash: ['预案版本', 'Playbook version'],
  level: ['级别', 'Level'],
  taskCount: ['任务数', 'Tasks'],
  announcementId: ['公告', 'Announcement'],
  announcementNumber: ['公告文号', 'Announcement number'],
  added: ['新增任务', 'Tasks added'],
  cancelled: ['取消任务', 'Tasks cancelled'],
  summary: ['总结', 'Summary'],
  cancelledTasks: ['取消的未完成任务', 'Open tasks cancelled'],
  alertId: ['预警', 'Alert'],
  versionId: ['版本', 'Version'],
  identifier: ['CAP 标识', 'CAP identifier'],
  msgType: ['消息类型', 'Message type'],
  status: ['状态', 'Status'],
  text: ['说明', 'Text'],
}

/** The order fields are read in: what happened first, identifiers after, whether it is a drill last. */
const ORDER = [
  'code',
  'step',
  'level',
  'from',
  'to',
  'reason',
  'summary',
  'owner',
  'note',
  'district',
  'districts',
  'sampleNo',
  'sample',
  'figures',
  'change',
  'report',
  'added',
  'cancelled',
  'cancelledTasks',
  'taskCount',
  'occurrence',
  'ackDueAt',
  'dueAt',
  'recurring',
  'reassignedFrom',
  'clock',
  'rung',
  'repeat',
  'notify',
  'late',
  'lateBySeconds',
  'skippedRepeats',
  'contact',
  'name',
  'phone',
  'playbook',
  'playbookHash',
  'announcementNumber',
  'announcementId',
  'alertId',
  'versionId',
  'identifier',
  'msgType',
  'status',
  'text',
  'exercise',
]
const rank = (k: string) => {
  const i = ORDER.indexOf(k)
  return i === -1 ? ORDER.length - 1 : i
}

const STATUS: Record<TaskStatus, Words> = {
  pending: ['待确认', 'pending'],
  acknowledged: ['已确认', 'acknowledged'],
  in_progress: ['处置中', 'in progress'],
  completed: ['已完成', 'completed'],
  declined: ['已拒绝', 'declined'],
  cancelled: ['已取消', 'cancelled'],
}
const VALUES: Record<string, Words> = {
  district_head: ['区县分管负责人', 'district head'],
  district_duty_officer: ['区县值班员', 'district duty officer'],
  command_centre: ['指挥中心', 'command centre'],
  city_leadership: ['市领导', 'city leadership'],
  unacknowledged: ['未确认', 'unacknowledged'],
  overdue: ['超时', 'overdue'],
  active: ['生效中', 'active'],
  closed: ['已解除', 'closed'],
}

const say = (lang: Lang, w: Words) => (lang === 'zh' ? w[0] : w[1])

export const eventName = (type: string, lang: Lang) =>
  EVENT_NAMES[type] ? say(lang, EVENT_NAMES[type]) : type

export interface WordsOptions {
  lang: Lang
  districtName: (code: string) => string
  /** A playbook step's title, by key. */
  stepName?: (key: string) => string
  /** A reported figure's label, by field name. */
  figureLabel?: (name: string) => string
  /** An instant as people read it (Beijing time). */
  time: (iso: string) => string
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/

/**
 * An event's payload as words for a spreadsheet cell: every field as `name: value` in the reader's language
 * (级别: II级; 原因: …), statuses, levels, districts, steps and figures named, times in Beijing time, never
 * JSON.
 */
export function payloadWords(type: string, payload: unknown, o: WordsOptions): string {
  const levels = type.startsWith('incident.')
  const value = (key: string, v: unknown): string => {
    if (v === null || v === undefined || v === '') return ''
    if (typeof v === 'boolean') return o.lang === 'zh' ? (v ? '是' : '否') : v ? 'yes' : 'no'
    if (Array.isArray(v)) return v.map((x) => value(key, x)).join(o.lang === 'zh' ? '、' : ', ')
    if (typeof v === 'object') {
      const named = key === 'figures' || key === 'change' ? (o.figureLabel ?? ((n: string) => n)) : undefined
      return `(${fields(v as Record<string, unknown>, named)})`
    }
    const s = String(v)
    if ((key === 'district' || key === 'districts') && /^\d{6}$/.test(s)) return o.districtName(s)
    if (key === 'step' && o.stepName) return o.stepName(s)
    if (levels && (key === 'level' || key === 'from' || key === 'to'))
      return o.lang === 'zh' ? `${s}级` : `level ${s}`
    if ((key === 'from' || key === 'to') && s in STATUS) return say(o.lang, STATUS[s as TaskStatus])
    if (VALUES[s] && (key === 'notify' || key === 'clock' || key === 'status')) return say(o.lang, VALUES[s])
    if (ISO_INSTANT.test(s)) return o.time(s)
    return s
  }
  const fields = (obj: Record<string, unknown>, named?: (n: string) => string): string =>
    Object.entries(obj)
      .sort(([a], [b]) => (named ? 0 : rank(a) - rank(b)))
      .map(([k, v]) => [k, value(named ? '' : k, v)] as const)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => {
        const label = named
          ? named(k)
          : k === 'from' || k === 'to'
            ? say(o.lang, k === 'from' ? ['原', 'From'] : ['改为', 'To'])
            : KEYS[k]
              ? say(o.lang, KEYS[k])
              : k
        return `${label}: ${v}`
      })
      .join('; ')
  if (payload === null || typeof payload !== 'object') return value('', payload)
  return fields(payload as Record<string, unknown>)
}
