# The Sluice image: TypeScript run by tsx, as from a checkout (no build step).
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY lib ./lib
COPY producers ./producers
COPY workers ./workers
COPY infra ./infra

# The inbox is a bind mount: the node user (uid 1000) must be able to write into it.
USER node
ENTRYPOINT ["node", "bin/sluice.js"]
CMD ["start"]
