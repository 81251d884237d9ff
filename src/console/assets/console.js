// Redshield console: progressive enhancement only; every page works without this file.
// 1. Countdowns tick on from the server-rendered time left (data-left, ms at render), so a wrong phone
//    clock does not matter.
;(() => {
  const loaded = Date.now()
  const span = (ms, lang) => {
    const min = Math.floor(Math.abs(ms) / 60000)
    const d = Math.floor(min / 1440)
    const h = Math.floor((min % 1440) / 60)
    const m = min % 60
    if (lang === 'zh') return `${d ? `${d} 天 ` : ''}${h || d ? `${h} 小时 ` : ''}${m} 分`
    return `${d ? `${d} d ` : ''}${h || d ? `${h} h ` : ''}${m} min`
  }
  const tick = () => {
    for (const el of document.querySelectorAll('time[data-left]')) {
      const left = Number(el.dataset.left) - (Date.now() - loaded)
      const lang = el.dataset.lang
      const text = span(left, lang)
      el.textContent =
        left >= 0
          ? lang === 'zh'
            ? `剩余 ${text}`
            : `${text} left`
          : lang === 'zh'
            ? `已超时 ${text}`
            : `${text} overdue`
      el.classList.toggle('late', left < 0)
    }
  }
  setInterval(tick, 15000)
})()

// 2. The incident matrix recolours itself: the table names a small JSON fragment of cell states, polled
//    with If-None-Match (304 when nothing changed), so no reload and no token in the page.
;(() => {
  const table = document.querySelector('table[data-live]')
  if (!table) return
  let etag = null
  const poll = async () => {
    try {
      const res = await fetch(table.dataset.live, {
        headers: etag ? { 'if-none-match': etag } : {},
        credentials: 'same-origin',
      })
      if (res.status !== 200) return
      etag = res.headers.get('etag')
      const { cells } = await res.json()
      for (const [task, cell] of Object.entries(cells)) {
        const td = document.getElementById(`cell-${task}`)
        if (!td || td.dataset.state === cell.state) continue
        td.className = `st-${cell.state}`
        td.dataset.state = cell.state
        const a = td.querySelector('a')
        if (a) a.textContent = cell.label
      }
    } catch {
      // Offline for a moment: the next poll catches up.
    }
  }
  setInterval(poll, 3000)
})()

// 3. Upload progress: a form marked data-progress is sent by XMLHttpRequest so the bar can follow the upload;
//    the answer (the same page the plain form would get) replaces this one. Without this file the form posts.
;(() => {
  const form = document.querySelector('form[data-progress]')
  if (!form || !window.XMLHttpRequest) return
  const box = document.getElementById(form.dataset.progress)
  const bar = box?.querySelector('progress')
  const out = box?.querySelector('output')
  if (!box || !bar || !out) return
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    const xhr = new XMLHttpRequest()
    xhr.open('POST', form.action)
    xhr.responseType = 'document'
    xhr.upload.addEventListener('progress', (e) => {
      if (!e.lengthComputable) return
      const pct = Math.floor((e.loaded / e.total) * 100)
      bar.value = pct
      box.dataset.percent = String(pct)
      out.textContent = `${out.dataset.uploading} ${pct}%`
    })
    xhr.upload.addEventListener('load', () => {
      bar.value = 100
      box.dataset.percent = '100'
      out.textContent = out.dataset.checking
    })
    xhr.addEventListener('load', () => {
      const doc = xhr.response
      if (!doc?.body) return form.submit()
      document.title = doc.title
      document.body.replaceWith(document.adoptNode(doc.body))
    })
    // The network failed mid-way: the plain post shows the browser's own error or the answer.
    xhr.addEventListener('error', () => form.submit())
    for (const b of form.querySelectorAll('button')) b.disabled = true
    box.hidden = false
    xhr.send(new FormData(form))
  })
})()
