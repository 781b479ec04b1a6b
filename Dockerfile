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

# The inbox is a bind mount that must be writable: docker-compose.yml runs the image as the
# inbox's owner (user: SLUICE_UID, written to .env by infra/compose-setup.sh); by default the node user.
USER node
ENTRYPOINT ["node", "bin/sluice.js"]
CMD ["start"]
