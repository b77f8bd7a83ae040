#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster (Debian's postgresql package) on a free loopback port and export
# NIANBAO_TEST_POSTGRES_URL. Source it so the export reaches your shell:
#     source scripts/ci_postgres.sh          # start
#     scripts/ci_postgres.sh stop            # stop and delete the cluster it started

state_file=/tmp/nianbao-ci-postgres.env
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "${pg_bin}" ]; then
  echo "ci_postgres: PostgreSQL is not installed (apt-get install -y postgresql)" >&2
  return 1 2>/dev/null || exit 1
fi

as_postgres() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-start}" = "stop" ]; then
  if [ -f "${state_file}" ]; then
    # shellcheck disable=SC1090
    source "${state_file}"
    as_postgres "${pg_bin}/pg_ctl" -D "${NIANBAO_CI_PGDATA}" -m fast stop >/dev/null || true
    rm -rf "${NIANBAO_CI_PGDATA}" "${state_file}"
  fi
  exit 0
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
datadir=$(mktemp -d /tmp/nianbao-pg.XXXXXX)
if [ "$(id -u)" = "0" ]; then chown postgres:postgres "${datadir}"; fi
set -e
as_postgres "${pg_bin}/initdb" -D "${datadir}" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
as_postgres "${pg_bin}/pg_ctl" -D "${datadir}" -l "${datadir}/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${datadir} -c fsync=off" start >/dev/null
as_postgres "${pg_bin}/createdb" -h 127.0.0.1 -p "${port}" -U postgres nianbao_test
set +e

export NIANBAO_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:${port}/nianbao_test"
export NIANBAO_CI_PGDATA="${datadir}"
printf 'export NIANBAO_TEST_POSTGRES_URL=%s\nexport NIANBAO_CI_PGDATA=%s\n' \
  "${NIANBAO_TEST_POSTGRES_URL}" "${datadir}" > "${state_file}"
echo "PostgreSQL ready: ${NIANBAO_TEST_POSTGRES_URL}"
