# syntax=docker/dockerfile:1

# ---- build: the service and the CLI compiled to JavaScript with esbuild (src/build.mjs → dist/) ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY db ./db
# The files the bundles read at run time from beside their sources (stylesheets, browser scripts): src/
# without its TypeScript.
RUN node src/build.mjs && \
    mkdir -p /app/assets/src && cd src && \
    find . -type f ! -name '*.ts' ! -name '*.tsx' ! -name '*.md' -exec cp --parents {} /app/assets/src/ \;

# ---- deps: production dependencies only, without the TypeScript runner and the bundler ----
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# tsx (the CLI's runner in a checkout) and esbuild (which `npm start` builds with) are dependencies so that
# `npm ci && npm start` is the whole set-up; the image runs the build made above and needs neither.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force && \
    rm -rf node_modules/tsx node_modules/esbuild node_modules/@esbuild node_modules/.bin/tsx node_modules/.bin/esbuild && \
    test ! -e node_modules/tsx

# ---- runtime ----
FROM node:20-bookworm-slim AS runtime
# glibc serves native buffers of 128 KiB and more by mmap, returned on free: PGlite's native heap otherwise
# keeps what a large import grew it by (README, Import). Applies to the CLI under `docker compose exec` too.
ENV NODE_ENV=production \
    DATA_DIR=/data \
    MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app

# The embedded store (PGlite, used when DATABASE_URL is unset) lives in /data; it must belong to
# the runtime user so that a fresh named volume mounted there inherits that ownership.
RUN mkdir -p /data && chown node:node /data

# Application files stay owned by root: the service can read its code but not change it. The bundles read
# the files they need at run time from where they are in the tree (dist/../src/…): the stylesheets and
# scripts under src/ (no TypeScript), the district list under db/seed, and the playbooks.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY --from=build /app/assets/src ./src
COPY db/seed ./db/seed
COPY playbooks ./playbooks

USER node
VOLUME ["/data"]
EXPOSE 3000

HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# node runs the build directly, so SIGTERM reaches the service (no wrapper processes in between). The CLI:
# `docker compose exec redshield node --max-semi-space-size=16 --optimize-for-size dist/cli.js …`, the flags
# `npm run cli` gives it (package.json): a young generation large enough that a large import's short-lived
# garbage dies young, and a heap collected before it grows. The service keeps `npm start`'s small young
# generation (RSS under read load stays near 180 MB); --optimize-for-size is not measured on its speed.
CMD ["node", "--max-semi-space-size=4", "dist/main.js"]
