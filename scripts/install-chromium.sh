#!/usr/bin/env bash
# Installs Debian's Chromium for the auditor page's browser tests (test/src/web).
# The tests drive /usr/bin/chromium (or $ACETRACE_CHROMIUM) through playwright-core; they skip,
# with a message, when no browser is there. Safe to run repeatedly: does nothing when installed.
set -euo pipefail

browser="${ACETRACE_CHROMIUM:-/usr/bin/chromium}"

if [[ -x "$browser" ]]; then
  echo "chromium: found $browser ($("$browser" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium: $browser missing; installing Debian's chromium with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends chromium
  echo "chromium: installed $("$browser" --version 2>/dev/null || echo "$browser")"
  exit 0
fi

cat >&2 <<MSG
chromium: $browser is missing and this script cannot install it (needs root and apt-get).
  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium
  elsewhere:      install Chromium and set ACETRACE_CHROMIUM=/path/to/chromium
The browser tests in test/src/web skip until a browser is present.
MSG
exit 0
