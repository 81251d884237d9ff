import { type Lang, tr } from '../web/i18n.js'
import { CSRF_FIELD } from './session-auth.js'

export interface ActionableTask {
  id: string
  district: string
  step: string
  status: string
  reassigned: boolean
}

/**
 * The command centre's task moves on the incident page: reassign a declined task (首办责任制, a new task
 * for the same or another district in scope) and cancel an open one. Both post to the task's own path,
 * over the API's verbs; a refusal comes back on the incident page with the service's reason.
 */
export function TaskForms(p: {
  tasks: ActionableTask[]
  districts: { code: string; name: string }[]
  csrf: string
  lang: Lang
}) {
  const { lang, csrf } = p
  const declined = p.tasks.filter((t) => t.status === 'declined' && !t.reassigned)
  const open = p.tasks.filter(
    (t) => ['pending', 'acknowledged', 'in_progress', 'declined'].includes(t.status) && !t.reassigned,
  )
  return (
    <>
      <h2>{tr(lang, { zh: '改派已拒绝的任务', en: 'Reassign a declined task' })}</h2>
      {declined.length === 0 ? (
        <p class="empty">{tr(lang, { zh: '无', en: 'None' })}</p>
      ) : (
        declined.map((t) => (
          <form method="post" action={`/console/tasks/${t.id}/reassign`} novalidate>
            <input type="hidden" name={CSRF_FIELD} value={csrf} />
            <p>
              <strong>
                {t.district} · {t.step}
              </strong>
            </p>
            <label for={`r-district-${t.id}`}>
              {tr(lang, { zh: '改派给', en: 'Reassign to' })}
              <select id={`r-district-${t.id}`} name="district">
                <option value="">{tr(lang, { zh: '原区县', en: 'Same district' })}</option>
                {p.districts.map((d) => (
                  <option value={d.code}>{d.name}</option>
                ))}
              </select>
            </label>
            <label for={`r-reason-${t.id}`}>
              {tr(lang, { zh: '原因', en: 'Reason' })}
              <input id={`r-reason-${t.id}`} name="reason" maxlength={2000} />
            </label>
            <button type="submit">{tr(lang, { zh: '改派', en: 'Reassign' })}</button>
          </form>
        ))
      )}
      <h2>{tr(lang, { zh: '取消任务', en: 'Cancel a task' })}</h2>
      {open.length === 0 ? (
        <p class="empty">{tr(lang, { zh: '无', en: 'None' })}</p>
      ) : (
        // Folded: an incident over many districts has a form for every open task, and cancelling is rare.
        <details class="panel">
          <summary>
            {tr(lang, {
              zh: `选择要取消的任务（${open.length} 项未完成）`,
              en: `Choose a task to cancel (${open.length} open)`,
            })}
          </summary>
          {open.map((t) => (
            <form method="post" action={`/console/tasks/${t.id}/cancel`} novalidate>
              <input type="hidden" name={CSRF_FIELD} value={csrf} />
              <p>
                <strong>
                  {t.district} · {t.step}
                </strong>
              </p>
              <label for={`x-reason-${t.id}`}>
                {tr(lang, { zh: '原因', en: 'Reason' })}
                <input id={`x-reason-${t.id}`} name="reason" maxlength={2000} />
              </label>
              <button type="submit" class="secondary">
                {tr(lang, { zh: '取消任务', en: 'Cancel task' })}
              </button>
            </form>
          ))}
        </details>
      )}
    </>
  )
}
