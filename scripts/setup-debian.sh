#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages jixiao needs, by feature. Only the missing ones are
# installed (apt-get, with sudo when not root). Node.js 20 (>= 20.19) and npm are not installed
# here: take them from nodejs.org or NodeSource.
#
#   scripts/setup-debian.sh            # what `jixiao run`, `export` and `serve` need (OCR data)
#   scripts/setup-debian.sh queue      # + Redis and PostgreSQL for queue mode on one machine
#   scripts/setup-debian.sh test       # + what the test suite and the sample generators use (CI)
#   scripts/setup-debian.sh --print test   # only print the package list
#
# README.md ("Set-up") has the table of which feature needs which package.
set -euo pipefail

# Scanned PDFs and images (the OCR path): Tesseract's Chinese and English language data, read
# from /usr/share/tesseract-ocr/*/tessdata by tesseract.js. Digital PDFs and text dumps need nothing.
run_pkgs=(tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng)
# Queue mode (`jixiao worker|submit|status|reconcile`) on one machine: the one Redis and the one PostgreSQL.
queue_pkgs=(redis-server postgresql)
# The tests and generators: poppler-utils (bench comparison), qpdf (test fixtures),
# redis-server/redis-tools (the queue fault test starts a private redis-server), chromium (the
# review page's browser test drives it with playwright-core; the template test prints HTML forms
# with it), LibreOffice Writer and Calc and CJK fonts (the template test renders forms from Flat
# ODF documents: samples/generator/templates.mjs), ImageMagick and img2pdf (the scan-condition
# test makes CCITT G4 scans: samples/generator/scans.mjs). The PostgreSQL tests use the server at
# 127.0.0.1:5432 (JIXIAO_TEST_PG_URL overrides it) that CI provides.
test_pkgs=(poppler-utils qpdf redis-server redis-tools chromium libreoffice-writer-nogui libreoffice-calc-nogui
  fonts-noto-cjk fonts-arphic-uming fonts-wqy-zenhei imagemagick img2pdf)

print_only=false
groups=()
for arg in "$@"; do
  case "$arg" in
    --print) print_only=true ;;
    run | queue | test) groups+=("$arg") ;;
    -h | --help)
      sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "setup-debian.sh: unknown argument '$arg' (run, queue, test, --print)" >&2
      exit 2
      ;;
  esac
done
[ ${#groups[@]} -eq 0 ] && groups=(run)

pkgs=("${run_pkgs[@]}")
for g in "${groups[@]}"; do
  case "$g" in
    queue) pkgs+=("${queue_pkgs[@]}") ;;
    test) pkgs+=("${test_pkgs[@]}") ;;
  esac
done
# One of each, in order.
mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | awk '!seen[$0]++')

if $print_only; then
  printf '%s\n' "${pkgs[@]}"
  exit 0
fi

missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-debian.sh: all ${#pkgs[@]} packages are installed"
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "setup-debian.sh: installing ${missing[*]}"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
