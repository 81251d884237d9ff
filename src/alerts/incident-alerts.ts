import type { Transaction } from '../db/transaction.js'
import type { DB } from '../db/types.js'
import type { DistrictDirectory } from '../districts/district-directory.js'
import type { RequestContext } from '../domain/context.js'
import type { IncidentRow } from '../incidents/incidents.repo.js'
import type { Level, Playbook } from '../playbooks/playbook.schema.js'
import { type AlertContent, areasOf, LEVEL_CAP } from './alert-content.js'
import { alertsOfIncident, issueVersion, stateOf } from './alerts.repo.js'

const EVENT = { zh: '食品安全事件', en: 'Food safety incident' }

function incidentContent(
  incident: IncidentRow,
  playbook: Playbook,
  districts: DistrictDirectory,
): AlertContent {
  const notice = playbook.publicNotice
  const level = incident.level as Level
  return {
    title: notice.title,
    event: { zh: `${EVENT.zh}：${playbook.name.zh}`, en: `${EVENT.en}: ${playbook.name.en}` },
    description: notice.description,
    instruction: notice.instruction,
    category: notice.cap.category,
    urgency: notice.cap.urgency,
    severity: LEVEL_CAP[level].severity,
    certainty: notice.cap.certainty,
    responseType: notice.cap.responseType,
    level,
    products: incident.products.map((p) => ({
      name: p.name,
      brand: p.brand,
      batch: p.batch,
      producer: p.maker,
    })),
    areas: areasOf(incident.districts, districts),
    source: { kind: 'incident', incidentId: incident.id, code: incident.code },
  }
}

/** Activation: the incident's public notice becomes an alert, in the activation's transaction. */
export async function alertOnActivation(
  trx: Transaction<DB>,
  ctx: RequestContext,
  now: Date,
  incident: IncidentRow,
  playbook: Playbook,
  districts: DistrictDirectory,
): Promise<void> {
  await issueVersion(
    trx,
    ctx,
    now,
    undefined,
    { source: 'incident', incidentId: incident.id },
    {
      status: 'active',
      exercise: incident.exercise,
      level: incident.level,
      productCategory: null,
      districts: incident.districts,
      content: incidentContent(incident, playbook, districts),
    },
    'Alert',
  )
}

/** A level change is an `Update` carrying the new severity. */
export async function alertOnLevelChange(
  trx: Transaction<DB>,
  ctx: RequestContext,
  now: Date,
  incident: IncidentRow,
  playbook: Playbook,
  districts: DistrictDirectory,
): Promise<void> {
  for (const row of await alertsOfIncident(trx, incident.id)) {
    if (row.status !== 'active') continue
    const content = { ...incidentContent(incident, playbook, districts), products: row.content.products }
    await issueVersion(
      trx,
      ctx,
      now,
      row,
      { source: 'incident', incidentId: incident.id },
      { ...stateOf(row), level: incident.level, content },
      'Update',
    )
  }
}

/** Closing is an `Update` whose response type is `AllClear`: the public may stop avoiding the products. */
export async function alertOnClose(
  trx: Transaction<DB>,
  ctx: RequestContext,
  now: Date,
  incidentId: string,
  summary: string,
): Promise<void> {
  for (const row of await alertsOfIncident(trx, incidentId)) {
    if (row.status !== 'active') continue
    const content: AlertContent = {
      ...row.content,
      urgency: 'Past',
      certainty: 'Observed',
      responseType: ['AllClear'],
      instruction: {
        zh: '事件已处置完毕，警报解除。',
        en: 'The incident is over; the alert is lifted.',
      },
      closingNote: { zh: summary, en: summary },
    }
    await issueVersion(
      trx,
      ctx,
      now,
      row,
      { source: 'incident', incidentId },
      { ...stateOf(row), status: 'closed', content },
      'Update',
    )
  }
}
