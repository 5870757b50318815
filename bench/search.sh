#!/usr/bin/env bash
# bench/search.sh: digest's search against Pagefind on the same corpus.
#
# Usage: bash bench/search.sh [N]     (N articles, default 10000)
#
# 1. Generates the corpus with ../shared/bench/gencorpus.py (seed 1) and
#    builds it with digest twice, with search and with `disable: [search]`:
#    digest's search step is the "search" phase of --verbose, its memory
#    the difference of the two builds' peak RSS.
# 2. Copies digest's article pages, marks the article as Pagefind's body and
#    its source and tags as Pagefind filters (so both index the same
#    articles and both can filter), and indexes them with Pagefind from
#    npm (installed into WORK/node_modules, never into the repository).
# 3. Prints both indexes' files, bytes and gzipped bytes.
# 4. Runs bench/searchbench: each query in a new headless Chromium with an
#    empty cache, against both, and prints bytes, requests, time to results
#    and the top five titles.
#
# Environment: WORK (default /tmp/digest-search-bench), PAGEFIND (the npm
# version, default 1.6.0), CHROMIUM (default /usr/bin/chromium).
# Run it on a quiet machine: every number is a wall time or a byte count of
# one run.
set -euo pipefail

N=${1:-10000}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SHARED=$(cd "$ROOT/.." && pwd)/shared
[ -d "$SHARED/bench" ] || SHARED=/work/shared
WORK=${WORK:-/tmp/digest-search-bench}
PAGEFIND=${PAGEFIND:-1.6.0}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
SITE=$WORK/n$N/site
mkdir -p "$WORK"

die() { echo "search.sh: $*" >&2; exit 1; }
command -v node > /dev/null || die "node is needed for Pagefind (apt-get install nodejs npm)"
[ -x "$CHROMIUM" ] || die "no Chromium at $CHROMIUM (apt-get install chromium)"
[ -x /usr/bin/time ] || die "/usr/bin/time is needed (apt-get install time)"

# timed LOG CMD...: runs CMD under /usr/bin/time -v into LOG.
timed() { local log=$1; shift; /usr/bin/time -v "$@" > "$log" 2>&1 || { cat "$log"; die "$* failed"; }; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.2f", s }' "$1"; }
rss() { awk '/Maximum resident set size/ { printf "%d", $NF / 1024 }' "$1"; }
# size DIR: files, bytes and gzipped bytes (each file gzipped -6, as a host would)
size() {
  python3 - "$1" << 'EOF'
import gzip, os, sys
n = b = z = 0
for d, _, fs in os.walk(sys.argv[1]):
    for f in fs:
        data = open(os.path.join(d, f), 'rb').read()
        n += 1; b += len(data)
        # Pagefind's .pf_ files are gzipped already; a host sends them as they are.
        z += len(data) if f.split('.')[-1].startswith('pf_') else len(gzip.compress(data, 6))
print(f"{n} files, {b / 1e6:.1f} MB ({z / 1e6:.1f} MB gzipped)")
EOF
}

echo "== search bench N=$N: $(nproc) CPUs, $(go version | cut -d' ' -f3), digest $(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo '?'), pagefind $PAGEFIND"

# 1. Corpus and digest.
(cd "$ROOT" && go build -o "$WORK/digest" . && go build -o "$WORK/searchbench" ./bench/searchbench) || die "go build failed"
if [ ! -f "$SITE/.corpus" ] || [ "$(cat "$SITE/.corpus")" != "n=$N seed=1" ]; then
  rm -rf "$SITE"
  python3 "$SHARED/bench/gencorpus.py" --n "$N" --out "$SITE" --seed 1 > /dev/null
  echo "n=$N seed=1" > "$SITE/.corpus"
fi
yaml='title: News Digest (search bench)\nbase_url: https://digest.example/\ntimezone: UTC\n'
printf "$yaml"'disable: [search]\n' > "$SITE/site.yaml"
rm -rf "$WORK/nosearch"
timed "$WORK/nosearch.log" "$WORK/digest" build -s "$SITE" -o "$WORK/nosearch" --quiet
printf "$yaml" > "$SITE/site.yaml"
rm -rf "$WORK/public"
timed "$WORK/digest.log" "$WORK/digest" build -s "$SITE" -o "$WORK/public" --verbose
step=$(awk '$1 == "search" { print $2 }' "$WORK/digest.log")

# 2. Pagefind on the same articles.
if [ ! -x "$WORK/node_modules/.bin/pagefind" ] || ! grep -q "\"version\": \"$PAGEFIND\"" "$WORK/node_modules/pagefind/package.json"; then
  npm install --no-audit --no-fund --prefix "$WORK" "pagefind@$PAGEFIND" > /dev/null || die "npm install pagefind@$PAGEFIND failed"
fi
PF=$WORK/pagefind-site
rm -rf "$PF"
cp -r "$WORK/public" "$PF"
rm -rf "$PF/search" "$PF/pagefind"
find "$PF" -mindepth 5 -maxdepth 5 -path "$PF/[0-9][0-9][0-9][0-9]/*" -name index.html -print0 |
  xargs -0 sed -i -e 's/<article class="story">/<article class="story" data-pagefind-body>/' \
    -e 's/<a class="source" /<a data-pagefind-filter="source" class="source" /' \
    -e 's/ rel="tag">/ rel="tag" data-pagefind-filter="tag">/'
marked=$(grep -rl --include=index.html data-pagefind-body "$PF" | wc -l)
timed "$WORK/pagefind.log" "$WORK/node_modules/.bin/pagefind" --site "$PF"

# 3. The table of costs.
echo
echo "| | digest | Pagefind |"
echo "| --- | --- | --- |"
echo "| index build | $step (search step; whole build $(wall "$WORK/digest.log") s) | $(wall "$WORK/pagefind.log") s ($marked pages) |"
echo "| peak memory | +$(( $(rss "$WORK/digest.log") - $(rss "$WORK/nosearch.log") )) MB ($(rss "$WORK/digest.log") MB with search, $(rss "$WORK/nosearch.log") MB without) | $(rss "$WORK/pagefind.log") MB |"
echo "| index | $(size "$WORK/public/search") | $(size "$PF/pagefind") |"
echo

# 4. The queries: common, stemmed, rare, two words, a tag, a body-only word,
#    a prefix, a prefix on the first word, a phrase, typos, a filter alone.
"$WORK/searchbench" -digest "$WORK/public" -pagefind "$PF" -chromium "$CHROMIUM" \
  "q=budget" "q=budgets" "q=fiscal" "q=kenya+drought" "q=press+freedom" "q=reporters" \
  "q=infla" "q=cyber+kenya" "q=%22minimum+wage%22" "q=cybersecurty" "q=inflaton" "source=Meridian+Daily"
