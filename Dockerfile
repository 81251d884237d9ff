# syntax=docker/dockerfile:1

# ---- deps: production dependencies only (tsx is one: the service runs TypeScript directly) ----
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/data
WORKDIR /app

# The embedded store (PGlite, used when DATABASE_URL is unset) lives in /data; it must belong to
# the runtime user so that a fresh named volume mounted there inherits that ownership.
RUN mkdir -p /data && chown node:node /data

# Application files stay owned by root: the service can read its code but not change it.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY src ./src
COPY db ./db
COPY playbooks ./playbooks

USER node
VOLUME ["/data"]
EXPOSE 3000

HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# node loads tsx as a hook, so SIGTERM reaches the service directly (no wrapper processes in between).
# The young generation is capped as `npm start` caps it (package.json): RSS under load stays near 180 MB.
CMD ["node", "--max-semi-space-size=4", "--import", "tsx", "src/main.ts"]
