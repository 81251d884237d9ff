import { z } from 'zod'

const boolish = z
  .enum(['true', 'false', '1', '0', 'on', 'off', 'yes', 'no'])
  .transform((v) => ['true', '1', 'on', 'yes'].includes(v))

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz })
      return true
    } catch {
      return false
    }
  },
  { message: 'not an IANA time zone' },
)

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  // The embedded store's buffer cache, in PostgreSQL's units; see PGLITE_SHARED_BUFFERS for why it is small.
  PGLITE_SHARED_BUFFERS: z
    .string()
    .regex(/^\d+(kB|MB|GB)$/, 'a size such as 32MB')
    .default('32MB'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TZ: timeZone.default('Asia/Shanghai'),
  PUBLIC_BASE_URL: z.url().optional(),
  SCHEDULER: boolish.default(true),
  PLAYBOOKS_DIR: z.string().min(1).default('./playbooks'),
  SEED_DEMO: boolish.optional(),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  IMPORT_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  ESCALATION_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  // Console sessions: idle expiry slides with use; the absolute limit does not.
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(10_080).default(480),
  SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(720).default(24),
  // Behind a TLS-terminating proxy: honour X-Forwarded-Proto for the session cookie's Secure flag.
  TRUST_PROXY: boolish.default(false),
  // Live stream, event bus and webhooks
  STREAM_HEARTBEAT_MS: z.coerce.number().int().min(10).max(300_000).default(15_000),
  // A stream whose client falls this many events behind is ended; the client resumes with Last-Event-ID.
  STREAM_MAX_BEHIND: z.coerce.number().int().min(10).max(1_000_000).default(10_000),
  EVENT_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(4000),
  WEBHOOK_RETRY_HOURS: z.coerce.number().min(0.001).max(168).default(24),
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  METRICS_TOKEN: z.string().min(16).optional(),
  // A frozen database must not hold a request (and its connection) forever, nor commit after the client
  // has gone: a statement is cancelled after this long, and a request waits at most this long for a
  // pooled connection. Either answers 503 with Retry-After and writes nothing. PostgreSQL only.
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  DB_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  PUBLIC_CACHE_CHECK_MS: z.coerce.number().int().min(0).max(60_000).default(500),
  SEARCH_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  CAP_SENDER: z
    .string()
    .regex(/^[^\s,<&]+$/, 'no spaces, commas, < or &')
    .default('redshield@market-regulator.example'),
  // Retailer boards: the full refresh schedule (5 fields, in TZ).
  BOARD_REFRESH_CRON: z
    .string()
    .regex(/^\S+( \S+){4}$/, 'five cron fields')
    .default('*/5 * * * *'),
  // How often a kiosk page asks whether its board has a new version.
  BOARD_POLL_MS: z.coerce.number().int().min(500).max(600_000).default(5000),
  // Whether webhooks may target loopback, private and link-local addresses (checked at creation and before
  // every delivery). Default: on for the embedded store (a laptop's receivers), off on PostgreSQL.
  WEBHOOK_ALLOW_PRIVATE: boolish.optional(),
  // 12315 complaints: public submissions per client address per minute; personal data kept
  // this many days after a complaint closes (then cleared by the retention job).
  COMPLAINT_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  COMPLAINT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(1096),
})

export type Config = Omit<
  z.output<typeof envSchema>,
  'SEED_DEMO' | 'PUBLIC_BASE_URL' | 'METRICS_TOKEN' | 'WEBHOOK_ALLOW_PRIVATE'
> & {
  METRICS_TOKEN?: string | undefined
  SEED_DEMO: boolean
  WEBHOOK_ALLOW_PRIVATE: boolean
  PUBLIC_BASE_URL: string
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`)
  }
}

/** The only reader of process.env: parse once at start-up, fail naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const picked = Object.fromEntries(
    Object.keys(envSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  )
  const result = envSchema.safeParse(picked)
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`))
  }
  const cfg = result.data
  // The demo is for first contact on the embedded store; on PostgreSQL it must be asked for.
  return {
    ...cfg,
    SEED_DEMO: cfg.SEED_DEMO ?? cfg.DATABASE_URL === undefined,
    WEBHOOK_ALLOW_PRIVATE: cfg.WEBHOOK_ALLOW_PRIVATE ?? cfg.DATABASE_URL === undefined,
    PUBLIC_BASE_URL: cfg.PUBLIC_BASE_URL ?? `http://localhost:${cfg.PORT}`,
  }
}
