#!/usr/bin/env bash
# The test command: installs what the tests need on a fresh machine (as root), then builds and runs every test.
# Integration tests start their own throwaway PostgreSQL cluster from the local server binaries
# (or use PHONECRM_TEST_DATABASE / a Docker engine); browser tests drive Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# PostgreSQL server binaries (initdb, pg_ctl, postgres).
if ! command -v initdb >/dev/null; then
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$pgbin" ] && [ -z "${PHONECRM_TEST_DATABASE:-}" ]; then
    echo "Installing PostgreSQL server binaries…"; apt_install postgresql
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  [ -n "$pgbin" ] && export PATH="$pgbin:$PATH"
fi

# Chromium for the browser tests, and fonts so Cyrillic renders in screenshots.
if [ ! -x /usr/bin/chromium ]; then echo "Installing Chromium…"; apt_install chromium fonts-dejavu-core; fi
# DejaVu fonts for the PDF proof of consent (Cyrillic), read from the system by PDFsharp.
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then echo "Installing DejaVu fonts…"; apt_install fonts-dejavu-core; fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build PhoneCrm.sln -c Release -warnaserror --nologo -v q
dotnet test PhoneCrm.sln -c Release --no-build --nologo "$@"
