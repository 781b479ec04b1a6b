#!/bin/sh
# Prepares a checkout for `docker compose up` (README, "Docker Compose"); safe to run again.
# - .env: the dashboard's token (kept once written) and your user and group ids, which compose
#   reads by itself, so `docker compose up --scale worker=3` later finds the same token;
# - ./inbox (with done/ and failed/), made by you: Docker would create a missing one as root, and
#   the pipeline, which runs as your user (SLUICE_UID), could then not move files out of it.
set -eu
cd "$(dirname "$0")/.."

touch .env
chmod 600 .env
if ! grep -q '^SLUICE_HTTP_TOKEN=' .env; then
  token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  printf 'SLUICE_HTTP_TOKEN=%s\n' "$token" >>.env
fi
for pair in "SLUICE_UID=$(id -u)" "SLUICE_GID=$(id -g)"; do
  grep -q "^${pair%%=*}=" .env || printf '%s\n' "$pair" >>.env
done

mkdir -p inbox/done inbox/failed

token=$(sed -n 's/^SLUICE_HTTP_TOKEN=//p' .env)
echo "Ready for docker compose: .env written, ./inbox is yours."
echo "Dashboard token (user: any, password: the token) for http://127.0.0.1:8080/queues:"
echo "  $token"
