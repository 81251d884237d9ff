import { levelName } from '../playbooks/playbook.schema.js'
import { capTime, LEVEL_CAP } from './alert-content.js'
import type { AlertRow, AlertVersionRow } from './alerts.repo.js'
import type { AlertDto } from './alerts.schema.js'

const optional = <T>(v: T | null | undefined) => (v === null || v === undefined || v === '' ? undefined : v)

/** The public shape of an alert: current content and every CAP version sent for it. */
export function alertDto(row: AlertRow, versions: AlertVersionRow[]): AlertDto {
  const c = row.content
  const level = row.level as 1 | 2 | 3 | 4
  const source =
    c.source.kind === 'incident'
      ? { kind: 'incident' as const, id: c.source.incidentId, reference: c.source.code }
      : { kind: 'announcement' as const, id: c.source.announcementId, reference: c.source.number }
  return {
    id: row.id,
    status: row.status,
    exercise: row.exercise,
    level: levelName(level),
    colour: LEVEL_CAP[level].colour as AlertDto['colour'],
    title: c.title,
    event: c.event,
    description: c.description,
    instruction: c.instruction,
    closingNote: c.closingNote ?? null,
    category: c.category,
    productCategory: row.product_category,
    urgency: c.urgency,
    severity: c.severity,
    certainty: c.certainty,
    responseType: c.responseType,
    products: c.products.map((p) => ({
      name: p.name,
      brand: optional(p.brand),
      batch: optional(p.batch),
      producer: optional(p.producer),
      producerAddress: optional(p.producerAddress),
      spec: optional(p.spec),
      unitName: optional(p.unitName),
      unitAddress: optional(p.unitAddress),
      sampleNo: optional(p.sampleNo),
      failingItems: p.failingItems,
    })),
    areas: c.areas,
    source,
    issuedAt: capTime(row.created_at),
    updatedAt: capTime(row.updated_at),
    capUrl: `/cap/${row.current_version_id}.xml`,
    versions: versions.map((v) => ({
      id: v.id,
      version: v.version,
      identifier: v.identifier,
      msgType: v.msg_type,
      sent: capTime(v.sent),
      capUrl: `/cap/${v.id}.xml`,
    })),
  }
}
