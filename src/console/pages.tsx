import { may } from '../domain/access.js'
import type { Actor } from '../domain/context.js'
import { roleName } from '../domain/roles-glossary.js'
import { Layout, Problems } from './layout.js'
import { CSRF_FIELD } from './session-auth.js'

/** One name per role (src/domain/roles-glossary.ts), both languages. */
const ROLE_NAMES = (role: Actor['role']) => roleName(role)

export function LoginPage(p: {
  csrf: string
  login?: string
  next?: string | undefined
  problems?: string[]
}) {
  return (
    <Layout title="登录 Sign in">
      <h1>登录 Sign in</h1>
      <Problems items={p.problems ?? []} />
      <form method="post" action="/login">
        <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
        {p.next ? <input type="hidden" name="next" value={p.next} /> : null}
        <label>
          登录名 Login name
          <input name="login" autocomplete="username" required value={p.login ?? ''} autofocus />
        </label>
        <label>
          密码 Password
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <button type="submit">登录 Sign in</button>
      </form>
    </Layout>
  )
}

export function ErrorPage(p: {
  status: number
  title: string
  detail?: string | undefined
  signedIn: boolean
}) {
  return (
    <Layout title={p.title}>
      <h1>{p.title}</h1>
      {p.detail ? <p>{p.detail}</p> : null}
      <p>
        <a href={p.signedIn ? '/console' : '/login'}>
          {p.signedIn ? '返回控制台 Back to the console' : '登录 Sign in'}
        </a>
      </p>
    </Layout>
  )
}

function SignOutButtons(p: { csrf: string }) {
  return (
    <div class="actions">
      <form method="post" action="/logout">
        <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
        <button type="submit">退出登录 Sign out</button>
      </form>
      <form method="post" action="/logout">
        <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
        <input type="hidden" name="everywhere" value="1" />
        <button type="submit" class="secondary">
          退出所有设备 Sign out everywhere
        </button>
      </form>
    </div>
  )
}

export function HomePage(p: {
  actor: Actor
  login: string
  districtName?: string | undefined
  csrf: string
}) {
  const a = p.actor
  return (
    <Layout title="控制台 Console" signedInAs={`${a.name}（${p.login}）`}>
      <h1>控制台 Console</h1>
      <dl>
        <dt>姓名 Name</dt>
        <dd>{a.name}</dd>
        <dt>登录名 Login</dt>
        <dd>{p.login}</dd>
        <dt>角色 Role</dt>
        <dd>{ROLE_NAMES(a.role)}</dd>
        {a.districtCode ? (
          <>
            <dt>区县 District</dt>
            <dd>{p.districtName ? `${p.districtName}（${a.districtCode}）` : a.districtCode}</dd>
          </>
        ) : null}
        {a.retailerId ? (
          <>
            <dt>经营者 Retailer</dt>
            <dd>{a.retailerId}</dd>
          </>
        ) : null}
      </dl>
      {may(a.role, 'readTasks') ? (
        <p>
          <a href="/console/tasks">我的任务 My tasks</a>
        </p>
      ) : null}
      {may(a.role, 'readSamples') ? (
        <p>
          <a href="/console/samples">抽检样品 Samples</a>
        </p>
      ) : null}
      <p>
        <a href="/console/password">修改密码 Change password</a>
      </p>
      <SignOutButtons csrf={p.csrf} />
    </Layout>
  )
}

export function PasswordPage(p: { csrf: string; forced: boolean; problems?: string[]; login: string }) {
  return (
    <Layout title="设置新密码 Set a new password" signedInAs={p.login}>
      <h1>设置新密码 Set a new password</h1>
      {p.forced ? (
        <p>首次登录须更换一次性密码。 The one-time password must be replaced before you go on.</p>
      ) : null}
      <Problems items={p.problems ?? []} />
      <form method="post" action="/console/password">
        <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
        <label>
          当前密码 Current password
          <input name="current" type="password" autocomplete="current-password" required />
        </label>
        <label>
          新密码（至少 10 个字符） New password (10 characters or more)
          <input name="password" type="password" autocomplete="new-password" required minlength={10} />
        </label>
        <label>
          再次输入新密码 New password again
          <input name="confirm" type="password" autocomplete="new-password" required minlength={10} />
        </label>
        <button type="submit">保存 Save</button>
      </form>
      <SignOutButtons csrf={p.csrf} />
    </Layout>
  )
}

export function LogoutPage(p: { csrf: string; login: string }) {
  return (
    <Layout title="退出登录 Sign out" signedInAs={p.login}>
      <h1>退出登录 Sign out</h1>
      <SignOutButtons csrf={p.csrf} />
    </Layout>
  )
}
