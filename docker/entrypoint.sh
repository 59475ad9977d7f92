#!/usr/bin/env bash
# The image's entry point: waits for the database (when GALE_DATABASE_URL names one) until
# GALE_DB_WAIT_TIMEOUT seconds (default 60) have passed, runs `gale db migrate` first when
# GALE_MIGRATE=true (and creates the `admin` user from GALE_ADMIN_PASSWORD when GALE_CREATE_ADMIN=true),
# then replaces itself with `gale ARGS...` (exec, so signals such as docker stop's SIGTERM reach
# Java). Never prints the database URL, user or password: only host and port.
set -euo pipefail

gale="${GALE_BIN:-gale}"

fail() {
  echo "gale-entrypoint: $*" >&2
  exit 1
}

# host and port of a jdbc:postgresql://host[:port]/db URL ("" when it is not one)
db_address() {
  local rest="${1#jdbc:postgresql://}"
  [ "$rest" != "$1" ] || return 0
  rest="${rest%%/*}"
  rest="${rest%%\?*}"
  rest="${rest##*@}"
  case "$rest" in
    \[*\]:*) echo "${rest%:*} ${rest##*:}" ;;
    \[*\]) echo "$rest 5432" ;;
    *:*) echo "${rest%%:*} ${rest##*:}" ;;
    *) echo "$rest 5432" ;;
  esac
}

now_ms() { # milliseconds since the epoch (bash 5's EPOCHREALTIME; SECONDS is too coarse for a deadline)
  local t="${EPOCHREALTIME/[.,]/}"
  echo $((t / 1000))
}

wait_for_db() {
  local url="${GALE_DATABASE_URL:-}"
  [ -n "$url" ] || return 0 # the embedded database, or a worker (it holds no database credentials)
  local address host port
  address="$(db_address "$url")"
  [ -n "$address" ] || fail "GALE_DATABASE_URL must be a jdbc:postgresql://host:port/db URL"
  read -r host port <<<"$address"
  host="${host#[}"
  host="${host%]}"
  local limit="${GALE_DB_WAIT_TIMEOUT:-60}"
  [[ "$limit" =~ ^[0-9]+$ ]] || fail "GALE_DB_WAIT_TIMEOUT must be a number of seconds, got '${limit:0:20}'"
  local deadline=$(($(now_ms) + limit * 1000))
  while true; do
    if timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null; then
      return 0
    fi
    if [ "$(now_ms)" -ge "$deadline" ]; then
      fail "database $host:$port not reachable after ${limit} s (GALE_DATABASE_URL); is it up?"
    fi
    sleep 1
  done
}

wait_for_db

if [ "${GALE_MIGRATE:-false}" = "true" ]; then
  "$gale" db migrate >&2 || fail "gale db migrate failed (see above)"
fi

if [ "${GALE_CREATE_ADMIN:-false}" = "true" ]; then
  [ -n "${GALE_ADMIN_PASSWORD:-}" ] || fail "GALE_CREATE_ADMIN=true needs GALE_ADMIN_PASSWORD"
  if ! "$gale" users list -o json | grep -q '"username" *: *"admin"'; then
    printf '%s\n' "$GALE_ADMIN_PASSWORD" | "$gale" users create -u admin -r admin --password-stdin >/dev/null \
      || fail "could not create the admin user"
    echo "gale-entrypoint: created user 'admin' (password from GALE_ADMIN_PASSWORD)" >&2
  fi
fi

[ "$#" -gt 0 ] || set -- version
exec "$gale" "$@"
