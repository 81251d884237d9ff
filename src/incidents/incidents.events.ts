import type { LevelName } from '../domain/enums.js'

interface LevelChanged {
  from: LevelName
  to: LevelName
  reason: string
  /** Tasks the change added and cancelled. */
  added: number
  cancelled: number
  /** The incident is an exercise (演练); every incident and task event says so. */
  exercise: boolean
}

export interface IncidentEventPayloads {
  'incident.activated': {
    code: string
    playbook: string
    playbookHash: string
    level: LevelName
    districts: string[]
    exercise: boolean
    taskCount: number
    /** Set when the incident was opened by publishing a sampling announcement. */
    announcementId?: string
    announcementNumber?: string
  }
  'incident.level_raised': LevelChanged
  'incident.level_lowered': LevelChanged
  'incident.closed': {
    summary: string
    cancelledTasks: number
    exercise: boolean
    /** Closed by itself when its last task was done (a self-check month, a random-inspection plan). */
    auto?: true
  }
}
