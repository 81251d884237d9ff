/** Task events added by issue 7 (the earlier task events are declared by issue 6's union). */
export interface TasksEventPayloads {
  'task.reassigned': {
    step: string
    /** The new task. */
    to: string
    district: string
    reason: string
    ackDueAt: string
    dueAt: string
  }
}
