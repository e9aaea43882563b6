# One image for every role of the hub (api, worker, scheduler); the role is the command.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production LOG_FORMAT=json
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/src/ledger/scripts ./src/ledger/scripts
COPY --from=build /app/package.json ./package.json
COPY config ./config
USER node
ENTRYPOINT ["node", "--no-memory-reducer", "dist/src/cli/main.js"]
CMD ["serve"]
