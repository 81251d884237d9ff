// Keeps a kiosk board current without a reload: polls the board JSON with its ETag; on a new version fetches
// the page and swaps <main> and the hotline bar; when the server cannot be reached, shows the offline notice
// (and keeps trying). When the failing products do not all fit on the screen, shows them a screenful at a
// time, rotating, with "第 1/3 页" beside the heading; the rows keep their order (this shop's own first).
;(() => {
  const body = document.body
  const api = body.dataset.api
  const every = Number(body.dataset.poll) || 5000
  const rotateEvery = Number(body.dataset.rotate) || 12000
  let etag = body.dataset.etag
  let pages = []
  let current = 0
  const offline = (on) => {
    if (body.classList.contains('offline') === on) return
    body.classList.toggle('offline', on)
    paginate()
  }

  function show(k) {
    current = pages.length === 0 ? 0 : k % pages.length
    pages.forEach((rows, i) => {
      for (const r of rows) r.hidden = i !== current
    })
    const pager = document.querySelector('.failing .pager')
    if (pager)
      pager.textContent =
        pages.length > 1
          ? `第 ${current + 1}/${pages.length} 页 · Page ${current + 1} of ${pages.length}`
          : ''
  }

  // Splits the rows into screenfuls by their measured heights (rows may differ: a mark, a long name).
  function paginate() {
    const box = document.querySelector('.products')
    pages = []
    if (!box) return show(0)
    const rows = Array.from(box.querySelectorAll('tbody tr'))
    for (const r of rows) r.hidden = false
    const head = box.querySelector('thead')
    const room = box.clientHeight - (head ? head.getBoundingClientRect().height : 0)
    let page = []
    let used = 0
    for (const r of rows) {
      const h = r.getBoundingClientRect().height
      if (page.length > 0 && used + h > room) {
        pages.push(page)
        page = []
        used = 0
      }
      page.push(r)
      used += h
    }
    if (page.length > 0) pages.push(page)
    show(0)
  }

  async function check() {
    try {
      const res = await fetch(api, { headers: etag ? { 'If-None-Match': etag } : {}, cache: 'no-store' })
      if (res.status === 304) return offline(false)
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      const next = res.headers.get('ETag')
      const page = await fetch(location.pathname + location.search, { cache: 'no-store' })
      if (!page.ok) throw new Error(`HTTP ${page.status}`)
      const doc = new DOMParser().parseFromString(await page.text(), 'text/html')
      for (const part of ['main', '.hotline-bar']) {
        const fresh = doc.querySelector(part)
        const old = document.querySelector(part)
        if (fresh && old) old.replaceWith(fresh)
      }
      etag = next
      body.dataset.version = doc.body.dataset.version || ''
      offline(false)
      paginate()
    } catch {
      offline(true)
    }
  }
  paginate()
  addEventListener('resize', paginate)
  setInterval(() => {
    if (pages.length > 1) show(current + 1)
  }, rotateEvery)
  setInterval(check, every)
})()
