# The watch forwarder's image: one JavaScript file on Node 22, no node_modules, no TypeScript
# runtime, no development package. The build stage installs everything (esbuild is a development
# dependency) and bundles functions/forwarder/entry.ts (scripts/build-forwarder.mjs); the image
# copies only that bundle. Build from the repository root, then pin the pushed image's digest in
# the kustomize settings (scripts/pin-forwarder-image.mjs; docs/deploy-to-aws.md):
#   docker build -f infra/forwarder.Dockerfile -t REPOSITORY:0.1.0 . && docker push REPOSITORY:0.1.0
#   node scripts/pin-forwarder-image.mjs "$(docker inspect --format '{{index .RepoDigests 0}}' REPOSITORY:0.1.0)"
FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY domain ./domain
COPY functions ./functions
COPY scripts/build-forwarder.mjs ./scripts/build-forwarder.mjs
RUN node scripts/build-forwarder.mjs /out

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /out/forwarder.mjs /out/forwarder.mjs.map ./
# Numeric, so the pod's runAsNonRoot can verify it (1000 is the image's `node` user).
USER 1000:1000
ENTRYPOINT ["node", "--enable-source-maps", "/app/forwarder.mjs"]
