#!/usr/bin/env bash
# CI set-up for the service tests: Debian packages, a throwaway PostgreSQL, the test environment.
# Source it from .ci/run (`source .ci/service-setup.sh`) so the exported variables reach pytest.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "${here}")"

if [ "$(id -u)" = "0" ]; then
  apt-get update -qq
  # shellcheck disable=SC2046
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(grep -v '^\s*#' "${here}/apt-packages.txt") >/dev/null
else
  echo "service-setup: not root, assuming these are installed: $(tr '\n' ' ' < "${here}/apt-packages.txt")" >&2
fi

# shellcheck disable=SC1091
source "${root}/scripts/ci_postgres.sh"
# Playwright must drive Debian's Chromium, never download its own browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export NIANBAO_TEST_CHROMIUM="$(command -v chromium || true)"
echo "service-setup: PostgreSQL at ${NIANBAO_TEST_POSTGRES_URL}; chromium at ${NIANBAO_TEST_CHROMIUM:-none}"
