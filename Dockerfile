# syntax=docker/dockerfile:1
# One image for every service of Returns Graph: the service is named by RG_SERVICE (or by the
# argument of `node dist/app/service.js <service>`). Compiled JavaScript at run time, no tsx; no
# dev dependencies, no TypeScript sources in the final stage; runs as the unprivileged `node` user.
#   docker build -t returns-graph .
#   docker run -e RG_SERVICE=registry ... returns-graph
#   docker run ... returns-graph node dist/app/migrate-cli.js     # every schema, then exit
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- deps: every dependency, dev ones included, for the build ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# ---- build: tsc to dist/, plus the files read by path at run time (SDL, SQL, JSON) ----
FROM deps AS build
# The sources .dockerignore lets through: no tests, benches, docs or local state (and the
# operations console's browser sources, which esbuild bundles when a process starts).
COPY . .
RUN npm run build

# ---- prod-deps: run-time dependencies only (esbuild stays: the console is bundled at start) ----
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app
# Owned by root and read-only to the service user: the process never writes into its own code.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The `node` user of the official image (uid 1000), by number so Kubernetes' runAsNonRoot can check it.
USER 1000:1000
EXPOSE 4000 4001 4002 4003 4004 4005
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "dist/app/healthcheck.js"]
CMD ["node", "dist/app/service.js"]
