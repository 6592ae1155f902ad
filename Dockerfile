# Assay worker image: runs `assay worker`, the Temporal worker that materializes assets.
#
#   docker build -t assay-worker .
#   docker run --init -e TEMPORAL_ADDRESS=temporal:7233 -v assay-home:/var/lib/assay assay-worker
#
# TypeScript runs directly through tsx (a runtime dependency), so there is no build step.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- source: the build context minus anything that is not source ----------------------------
# (The context may contain the host's node_modules and local state; they must not reach the image.)
FROM ${NODE_IMAGE} AS source
WORKDIR /src
COPY . .
RUN rm -rf node_modules .git .assay .marquez coverage dist

# --- runtime --------------------------------------------------------------------------------
FROM ${NODE_IMAGE}

ENV NODE_ENV=production \
    ASSAY_HOME=/var/lib/assay \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false

WORKDIR /app

# Dependencies first, so source edits do not invalidate this layer.
# Native parts (Temporal core bridge, DuckDB) ship prebuilt for linux-x64/arm64 glibc in their npm packages.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit \
 && npm cache clean --force

# Source stays root-owned (read-only for the worker); only ASSAY_HOME is writable.
COPY --from=source /src/ ./
RUN mkdir -p "$ASSAY_HOME" && chown node:node "$ASSAY_HOME"

# Unprivileged user that ships with the node image (uid/gid 1000).
USER node
VOLUME ["/var/lib/assay"]

ENTRYPOINT ["npx", "tsx", "cli/main.ts"]
CMD ["worker"]
