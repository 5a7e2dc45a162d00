# syntax=docker/dockerfile:1
#
# iam-findings-bot container image (issue #7). Build: `docker build -t iam-findings-bot .`
#
# Base image: node:22.23.3-bookworm-slim, a pinned patch release of Node 22 LTS on Debian 12 slim.
#   - Debian/glibc rather than Alpine/musl: glibc Linux builds are Node's tier-1 platform (musl builds are
#     "experimental"), CI runs on Debian, and musl's resolver differs from glibc's in ways that bite AWS SDK
#     clients inside VPCs. Alpine would save roughly 20-25 MB compressed; not worth that risk here.
#   - Node 22, not 20: the AWS SDK v3 already warns that its releases from January 2027 require node >= 22.
#   - Bump the patch tag (all three FROM lines together) when Node 22 ships security releases. For
#     reproducible builds, also pin the digest: FROM node:22.23.3-bookworm-slim@sha256:<index digest>
#     (`docker buildx imagetools inspect node:22.23.3-bookworm-slim` prints it; Dependabot keeps it fresh).
#
# Expected size: about 270 MB unpacked, about 85 MB compressed (what a registry stores and ECS pulls).
#   - base node:22-bookworm-slim: about 220 MB unpacked / 75 MB compressed (node binary, npm, Debian slim).
#   - production node_modules: measured with `npm ci --omit=dev --ignore-scripts` from package-lock.json:
#     172 packages, 10,622 files, 44 MB apparent size (74 MB by `du`, 4 KiB blocks), a 48 MB layer tar,
#     7.1 MB gzipped. The bulk is @aws-sdk (29 MB), @slack (11 MB), @smithy (9 MB), zod (8 MB).
#   - dist/: 1.3 MB (0.3 MB gzipped).
# How it stays small:
#   - the runtime stage gets only dist/, package.json/package-lock.json and a production-only node_modules;
#     no sources, tests, TypeScript, jest, eslint, Playwright or DynamoDB Local (those are devDependencies);
#   - the npm cache from both installs stays in the throwaway stages, not in the runtime image;
#   - slim base (no compilers, no curl/wget; the HEALTHCHECK uses node itself);
#   - .dockerignore keeps node_modules, .git, dist, test artefacts and docs out of the build context.
#
# Behaviour: with Slack credentials in the environment (SLACK_BOT_TOKEN plus SLACK_SIGNING_SECRET and/or
# SLACK_APP_TOKEN; see README for the full configuration) `node dist/main.js` starts the bot, in Socket Mode
# when SLACK_APP_TOKEN is set. Without any Slack credentials (or with --sandbox) main.ts would start the local
# sandbox, which needs the development dependencies; they are not in this image, so the container logs a
# fatal "the sandbox needs the development dependencies" line and exits with code 1 instead of running
# something that is not the bot. An incomplete configuration exits with code 2 and names every problem.
# SIGTERM (docker stop, ECS) is the default stop signal; the bot handles it and shuts down cleanly.

# ---- build: full install (dev dependencies included) and `npm run build` → dist/ ----
FROM node:22.23.3-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the only dependencies with install scripts are dev tools the build does not run
# (@swc/core, esbuild, @parcel/watcher, unrs-resolver; package.json's allowScripts lists them as false);
# tsc needs none of them.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && test -f dist/main.js

# ---- prod-deps: production dependencies only, exactly as locked ----
FROM node:22.23.3-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
# No production dependency has an install script or a native addon, so --ignore-scripts is safe.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtime ----
FROM node:22.23.3-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the process: the bot writes nothing to its own directory.
COPY package.json package-lock.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The base image's unprivileged user (uid 1000).
USER node
# PORT (default 3000): GET /healthz, GET /readyz, POST /events/findings, and POST /slack/events in HTTP mode.
EXPOSE 3000
# Liveness via GET /healthz with Node's built-in fetch (no curl/wget in the image). ECS ignores Docker
# HEALTHCHECKs: the task definition declares its own (same command) or the load balancer checks /readyz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
