#!/usr/bin/env bash
# Installs what fuyou needs to build, run and test, and nothing that is
# already there. Debian packages through apt-get (as root; otherwise prints the
# one command to run), npm packages through `npm ci` in web/ (ECharts for the
# pages, copied to web/vendor/; playwright-core for tests/browser).
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(gcc clang make cmake pkg-config curl ca-certificates
      libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3 libsodium-dev
      libcmocka-dev libhpdf-dev libqrencode-dev libxlsxwriter-dev
      libclang-rt-14-dev python3 wrk poppler-utils poppler-data)
if [ "${FUYOU_BROWSER_TESTS:-1}" = 1 ]; then
  debs+=(chromium fonts-noto-cjk)
  # Node may come from another packaging (with npm inside): ask for the
  # Debian packages only when the commands are missing.
  command -v node >/dev/null || debs+=(nodejs)
  command -v npm >/dev/null || debs+=(npm)
fi

missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "deps: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "deps: missing Debian packages; run:"
    echo "  sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
fi

# npm packages for the web vendor libraries and the browser tests (the pages
# need ECharts even where the browser tests are off, so npm decides).
if [ -f web/package.json ] && command -v npm >/dev/null; then
  if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules ]; then
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

# Vendor libraries the pages load, copied from node_modules into web/vendor/
# (served by fuyou itself; nothing is fetched from the internet at run time).
if [ -f web/node_modules/echarts/dist/echarts.min.js ]; then
  mkdir -p web/vendor
  if [ ! -f web/vendor/echarts.min.js ] || ! cmp -s web/node_modules/echarts/dist/echarts.min.js web/vendor/echarts.min.js; then
    cp web/node_modules/echarts/dist/echarts.min.js web/vendor/echarts.min.js
  fi
fi
