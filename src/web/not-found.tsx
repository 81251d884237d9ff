import { type Lang, tr } from './i18n.js'
import { Layout } from './layout.js'

/** What every public page answers for a resource that does not exist: a page, in the reader's language. */
export function NotFoundPage({ lang, self }: { lang: Lang; self: string }) {
  return (
    <Layout lang={lang} self={self} title={tr(lang, { zh: '页面不存在', en: 'Not found' })}>
      <h1>{tr(lang, { zh: '页面不存在', en: 'Not found' })}</h1>
      <p>
        <a href="/">{tr(lang, { zh: '返回首页', en: 'Back to the home page' })}</a>
      </p>
    </Layout>
  )
}
