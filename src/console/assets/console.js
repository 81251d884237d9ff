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
