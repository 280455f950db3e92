# async-review GitHub App. Build: docker build -t async-review .
# Run:   docker run -p 3000:3000 -e APP_ID=... -e PRIVATE_KEY="$(cat key.pem)" -e WEBHOOK_SECRET=... async-review
# Redis mode (README, "Scaling out"): the same image with -e REDIS_URL=...; a dedicated worker is
#        docker run -e REDIS_URL=... -e APP_ID=... -e PRIVATE_KEY=... async-review node dist/src/worker.js
# test/production-layout.test.ts checks the same layout without Docker (pack, production install, start).

# Node 24, the active LTS; package.json still supports Node >= 20.18.1 for the CLI.
ARG NODE_IMAGE=node:24-trixie-slim

# --- build: compile TypeScript with the dev dependencies ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: `prepare` would build before the sources are here, and tree-sitter-python's native
# binding is not used (the analyzer loads the .wasm the package ships).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# --- runtime: production dependencies, compiled output, the App manifest ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json \
    DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# Only the App and its rules: dist/ also holds the compiled benchmarks and test helpers.
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/rules ./dist/rules
COPY app.yml ./
# The job journal: mount a volume here so queued and running reviews survive a redeploy.
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3000
# Slim images have no curl: ask Node. /health answers 200 while the server runs (a worker serves it on PORT too).
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node as PID 1 receives SIGTERM directly (npm start would sit in between).
CMD ["node", "node_modules/probot/bin/probot.js", "run", "./dist/src/index.js"]
