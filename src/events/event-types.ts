import type { AlertsEventPayloads } from '../alerts/alerts.events.js'
import type { AnnouncementEventPayloads } from '../announcements/announcements.events.js'
import type { BusinessesEventPayloads } from '../businesses/businesses.events.js'
import type { ComplaintEventPayloads } from '../complaints/complaints.events.js'
import type { ContactsEventPayloads } from '../contacts/contacts.events.js'
import type { EscalationEventPayloads } from '../escalation/escalation.events.js'
import type { IncidentEventPayloads } from '../incidents/incidents.events.js'
import type { InspectionEventPayloads } from '../inspections/inspections.events.js'
import type { RectificationEventPayloads } from '../rectifications/rectifications.events.js'
import type { RetailersEventPayloads } from '../retailers/retailers.events.js'
import type { SampleEventPayloads } from '../samples/samples.events.js'
import type { ScorecardEventPayloads } from '../scorecard/scorecard.events.js'
import type { SignalEventPayloads } from '../signals/signals.events.js'
import type { TaskEventPayloads } from '../tasks/tasks.events.js'
import type { TokenEventPayloads } from '../tokens/tokens.events.js'
import type { UsersEventPayloads } from '../users/users.events.js'
import type { WebhooksEventPayloads } from '../webhooks/webhooks.events.js'

/**
 * Every event the service writes, by type, with its payload. The event stream and webhooks publish these
 * as the public contract, so a payload shape changes only compatibly. A module declares its own as
 * `export interface <Module>EventPayloads { 'x.y': {…} }` in `src/<module>/<module>.events.ts` and is
 * added here with one more `extends`.
 */
export interface EventPayloads
  extends TaskEventPayloads,
    IncidentEventPayloads,
    TokenEventPayloads,
    EscalationEventPayloads,
    ContactsEventPayloads,
    UsersEventPayloads,
    WebhooksEventPayloads,
    AlertsEventPayloads,
    SampleEventPayloads,
    AnnouncementEventPayloads,
    RetailersEventPayloads,
    BusinessesEventPayloads,
    ComplaintEventPayloads,
    SignalEventPayloads,
    RectificationEventPayloads,
    InspectionEventPayloads,
    ScorecardEventPayloads {}

export type EventType = keyof EventPayloads

export type EventPayload<T extends EventType> = EventPayloads[T]
