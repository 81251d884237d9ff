import type { Migration } from 'kysely'
import * as foundation from './2026-11-28T08-00-00-foundation.js'
import * as incidents from './2026-11-28T09-00-00-incidents.js'
import * as escalationJobs from './2026-11-28T11-00-00-escalation-jobs.js'
import * as streamWebhooks from './2026-11-28T11-30-00-stream-webhooks.js'
import * as sampling from './2026-11-28T12-00-00-sampling.js'
import * as alerts from './2026-11-28T13-00-00-alerts.js'
import * as usersSessions from './2026-11-28T14-00-00-users-sessions.js'
import * as retailerBoards from './2026-11-28T15-00-00-retailer-boards.js'
import * as sampleTextKeys from './2026-11-28T16-00-00-sample-text-keys.js'
import * as standingSamples from './2026-12-07T10-00-00-standing-samples.js'
import * as scopeRoutingPersons from './2026-12-07T11-00-00-scope-routing-persons.js'
import * as complaints from './2026-12-07T12-00-00-complaints.js'
import * as taskReportCorrections from './2026-12-07T13-00-00-task-report-corrections.js'
import * as businesses from './2026-12-07T16-00-00-businesses.js'
import * as credit from './2026-12-07T16-30-00-credit.js'
import * as rectifications from './2026-12-07T17-00-00-rectifications.js'
import * as inspections from './2026-12-07T17-30-00-inspections.js'
import * as selfChecksSpotChecks from './2026-12-08T10-00-00-self-checks-spot-checks.js'
import * as signalSampling from './2026-12-08T11-00-00-signal-sampling.js'
import * as eventExercise from './2026-12-08T12-00-00-event-exercise.js'
import * as escalationContactsOutOfEvents from './2026-12-08T13-00-00-escalation-contacts-out-of-events.js'
import * as complaintRectificationContactsOutOfEvents from './2026-12-08T15-00-00-complaint-rectification-contacts-out-of-events.js'
import * as selfCheckTasks from './2026-12-08T16-00-00-self-check-tasks.js'
import * as complaintNumberSequence from './2026-12-08T17-00-00-complaint-number-sequence.js'
import * as eventNotifyRows from './2026-12-08T19-00-00-event-notify-rows.js'

/** Explicit barrel: the order here is the order of application. */
export const migrations: Record<string, Migration> = {
  '2026-11-28T08-00-00-foundation': foundation,
  '2026-11-28T09-00-00-incidents': incidents,
  '2026-11-28T11-00-00-escalation-jobs': escalationJobs,
  '2026-11-28T11-30-00-stream-webhooks': streamWebhooks,
  '2026-11-28T12-00-00-sampling': sampling,
  '2026-11-28T13-00-00-alerts': alerts,
  '2026-11-28T14-00-00-users-sessions': usersSessions,
  '2026-11-28T15-00-00-retailer-boards': retailerBoards,
  '2026-11-28T16-00-00-sample-text-keys': sampleTextKeys,
  '2026-12-07T10-00-00-standing-samples': standingSamples,
  '2026-12-07T11-00-00-scope-routing-persons': scopeRoutingPersons,
  '2026-12-07T12-00-00-complaints': complaints,
  '2026-12-07T13-00-00-task-report-corrections': taskReportCorrections,
  '2026-12-07T16-00-00-businesses': businesses,
  '2026-12-07T16-30-00-credit': credit,
  '2026-12-07T17-00-00-rectifications': rectifications,
  '2026-12-07T17-30-00-inspections': inspections,
  '2026-12-08T10-00-00-self-checks-spot-checks': selfChecksSpotChecks,
  '2026-12-08T11-00-00-signal-sampling': signalSampling,
  '2026-12-08T12-00-00-event-exercise': eventExercise,
  '2026-12-08T13-00-00-escalation-contacts-out-of-events': escalationContactsOutOfEvents,
  '2026-12-08T15-00-00-complaint-rectification-contacts-out-of-events':
    complaintRectificationContactsOutOfEvents,
  '2026-12-08T16-00-00-self-check-tasks': selfCheckTasks,
  '2026-12-08T17-00-00-complaint-number-sequence': complaintNumberSequence,
  '2026-12-08T19-00-00-event-notify-rows': eventNotifyRows,
}
