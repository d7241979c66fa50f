# syntax=docker/dockerfile:1
#
# One image per service, built from the whole monorepo:
#
#   docker build --build-arg APP=request-intake -t datarights/request-intake .
#
# APP is an Nx project under apps/ (request-intake, identity, data-locator,
# erasure-executor, audit, demo-systems). The same image runs the service
# (`node main.js`) and its migrations (`node main.js --migrate-only`, used by the
# Kubernetes init container and the compose `migrate` service).
#
# Stages: deps (every dependency, to build) -> build (the app's Nx build target) ->
# prod-deps (production dependencies only) -> runtime (non-root, read-only friendly).

ARG NODE_IMAGE=node:22-bookworm-slim

# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /src
# Only the manifests, so this layer is reused until the lockfile changes.
COPY package.json package-lock.json ./
# --ignore-scripts: nothing the build needs runs an install script (Nx ships its
# native binary as a platform package), and it keeps third-party postinstall code
# out of the build.
RUN npm ci --ignore-scripts --no-audit --no-fund

# ---------------------------------------------------------------------------
FROM deps AS build
ARG APP
RUN test -n "${APP}" || (echo "build arg APP is required, e.g. --build-arg APP=request-intake" >&2 && exit 1)
ENV NX_DAEMON=false \
    NX_NO_CLOUD=true \
    NX_SKIP_NX_CACHE=true
COPY . .
# The app's own build target: tsc -p apps/$APP/tsconfig.app.json && tsc-alias.
# It emits dist/apps/$APP/{apps/$APP,libs/*}/... with @datarights/* rewritten to
# relative paths, so the runtime needs no tsconfig paths.
RUN npx nx run "${APP}:build" --outputStyle=static \
 && test -f "dist/apps/${APP}/apps/${APP}/src/main.js"

# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG APP
# PORT is a default for the health check and for `docker run` without -e PORT;
# compose and Kubernetes set the service's own port.
ENV NODE_ENV=production \
    APP=${APP} \
    PORT=3000 \
    POLICY_FILE=/app/deploy/policy/default.fr.yaml \
    HOME=/tmp \
    TMPDIR=/tmp \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app

# Everything is owned by root and only readable by the service user: the process
# cannot change its own code, and the root filesystem can be mounted read-only
# (the service writes only to /tmp, an emptyDir / tmpfs).
COPY --from=prod-deps /src/node_modules ./node_modules
COPY package.json ./
COPY --from=build /src/dist/apps/${APP}/ ./dist/
# Default policy files; Kubernetes mounts the ConfigMap over this directory.
COPY deploy/policy/ ./deploy/policy/
# A stable entrypoint whatever APP is. Node resolves the symlink, so module paths
# and `require.main === module` behave exactly as with the real file.
RUN ln -s "dist/apps/${APP}/src/main.js" /app/main.js \
 && test -f /app/main.js

# The `node` user of the official image, by number so that Kubernetes'
# runAsNonRoot can verify it without a passwd lookup.
USER 1000:1000

EXPOSE 3000
# No curl or wget in the slim image: Node 22's fetch does the probe.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# Exec form: node is PID 1 and receives SIGTERM directly (Nest's shutdown hooks
# drain the Kafka consumers). Run with an init (compose `init: true`) to reap
# zombies; Kubernetes pods need none.
CMD ["node", "main.js"]
