#!/bin/sh
# Debian packages the project needs. `install-system.sh` installs what ingest and the tests need
# (tesseract with English and German for scanned exhibits; notmuch, whose threads the thread
# quality gate compares with ours; the DejaVu fonts the PDF briefing prints German with; chromium,
# the browser the tests drive the HTML briefing in); `install-system.sh bench` adds what the benchmarks compare
# against (poppler's pdftotext).
set -e
need=""
base="tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu notmuch fonts-dejavu-core chromium"
case "$1" in
  bench) pkgs="$base poppler-utils" ;;
  *) pkgs="$base" ;;
esac
for p in $pkgs; do
  dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
[ -z "$need" ] && exit 0
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
echo "installing Debian packages:$need"
$SUDO apt-get update -q >/dev/null 2>&1 || true
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q $need >/dev/null
