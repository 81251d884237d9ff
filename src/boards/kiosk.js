// Keeps a kiosk board current without a reload: polls the board JSON with its ETag; on a new version fetches
// the page and swaps <main>; when the server cannot be reached, shows the offline notice (and keeps trying).
;(() => {
  const body = document.body
  const api = body.dataset.api
  const every = Number(body.dataset.poll) || 5000
  let etag = body.dataset.etag
  const offline = (on) => body.classList.toggle('offline', on)
  async function check() {
    try {
      const res = await fetch(api, { headers: etag ? { 'If-None-Match': etag } : {}, cache: 'no-store' })
      if (res.status === 304) return offline(false)
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      const next = res.headers.get('ETag')
      const page = await fetch(location.pathname + location.search, { cache: 'no-store' })
      if (!page.ok) throw new Error(`HTTP ${page.status}`)
      const doc = new DOMParser().parseFromString(await page.text(), 'text/html')
      const fresh = doc.querySelector('main')
      if (fresh) document.querySelector('main').replaceWith(fresh)
      etag = next
      body.dataset.version = doc.body.dataset.version || ''
      offline(false)
    } catch {
      offline(true)
    }
  }
  setInterval(check, every)
})()
