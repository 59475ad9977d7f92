#!/usr/bin/env bash
# The image's health check, by what the container runs (PID 1, after the entry point's exec):
#   webserver      GET /api/v2/monitor/health on GALE_WEBSERVER_PORT (200, metadatabase healthy)
#   scheduler      gale jobs check --local (a scheduler on this host heartbeated in the last 30 s)
#   serve          GET /health on the model server's port (8000 unless --port)
#   worker         the process is up (its heartbeat is the web server's business: a lost worker's
#                  tries are retried there)
#   anything else  GET /metrics on GALE_METRICS_PORT when it is set; otherwise the process is up
set -uo pipefail

http_ok() { # host port path: true on a 200 answer
  exec 3<>"/dev/tcp/$1/$2" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$3" "$1" >&3
  local status
  IFS= read -r -t 10 status <&3 || return 1
  exec 3<&-
  [[ "$status" == HTTP/1.?" 200"* ]]
}

# GALE_HEALTHCHECK_ARGS stands in for PID 1's command line in tests
args="${GALE_HEALTHCHECK_ARGS:-$(tr '\0' ' ' </proc/1/cmdline 2>/dev/null || true)}"
case " $args " in
  *" webserver "*) http_ok 127.0.0.1 "${GALE_WEBSERVER_PORT:-8080}" /api/v2/monitor/health ;;
  *" scheduler "*) gale jobs check --job-type SchedulerJob --local >/dev/null ;;
  *" worker "*) exit 0 ;;
  *" serve "*)
    port=8000
    [[ "$args" =~ --port[=\ ]([0-9]+) ]] && port="${BASH_REMATCH[1]}"
    http_ok 127.0.0.1 "$port" /health ;;
  *)
    if [ -n "${GALE_METRICS_PORT:-}" ]; then
      http_ok 127.0.0.1 "$GALE_METRICS_PORT" /metrics
    fi ;;
esac
