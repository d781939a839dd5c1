# syntax=docker/dockerfile:1
# One image for every unit; the Deployment's command picks the entry:
#   node dist/services/<name>/main.js
# Stages: deps (production node_modules) · build (all deps, tsc, workflow bundle, web app)
#         · dev (Tilt's live-update target) · runtime (default: dist + production deps only).

FROM node:20-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY contracts contracts
COPY workflows workflows
COPY activities activities
COPY services services
COPY charts charts
COPY cdk8s cdk8s
COPY devstack devstack
COPY bench bench
# The web app (Vite): npm run build writes it to dist/web, which the gateway serves at /.
COPY web web
RUN npm run build

# Tilt's target on kind: sources and compiler stay, owned by the non-root user,
# so live update can sync TypeScript and rebuild dist/ in the running container.
FROM build AS dev
RUN chown -R node:node /app
USER node
CMD ["node", "dist/services/gateway/main.js"]

FROM node:20-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
# The image's `node` user (uid 1000), matching the pods' runAsUser.
USER node
CMD ["node", "dist/services/gateway/main.js"]
