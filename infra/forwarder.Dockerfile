# The watch forwarder's image: the repository's CLI on Node 22 with production dependencies only
# (tsx, a dependency, runs the TypeScript sources). Build from the repository root:
#   docker build -f infra/forwarder.Dockerfile -t daemonloop-forwarder:0.1.0 .
FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY tsconfig.json ./
COPY bin ./bin
COPY domain ./domain
COPY functions ./functions
# Numeric, so the pod's runAsNonRoot can verify it (1000 is the image's `node` user).
USER 1000:1000
ENTRYPOINT ["node", "bin/daemonloop.js"]
