#!/usr/bin/env bash
# Cold-build benchmark: digest against Hugo and against the Markdown floor.
#
# Usage: bash bench/run.sh N [RUNS]
#   N     number of articles (../shared/bench/gencorpus.py --n N)
#   RUNS  timed rounds (default 3); a round is one cold digest build, one cold
#         Hugo build (when hugo is installed) and one floor run, in that order
# Environment (all optional):
#   WORK=/tmp/digest-bench  work folder; the corpus for each N is kept in
#                           WORK/nN/site and reused by later runs
#   SHARED=DIR              the shared kit (default: <repo>/../shared)
#   SEED=1                  corpus seed
#   WARMUP=1                untimed builds of each tool before the timed rounds
#   DROP_CACHES=1           before each timed run: sync + drop the page cache
#                           (needs root); 0: only remove the output folder
#   TOUCH_RUNS=1            rebuilds with nothing changed, and rebuilds after
#                           adding one article (0 skips both)
#   WITH_HUGO=1             0: leave Hugo out even when it is installed
#   WITH_FLOOR=1            0: leave the floor out
#   WITH_WRITE=1            0: leave out the write floor (bench/writefloor:
#                           the time to write each tool's output, and only
#                           that, once after the timed rounds)
#
# Why it is built this way (see ../shared/bench/README.md, "Caveats"):
# - Hugo was measured with ../shared/bench/hugo-bench.sh on this machine kind.
#   The same corpus, the same Hugo skeleton and the same preparation are used
#   here, in the same session, so the ratio is fair even on a noisy VM.
# - The tools alternate run by run (digest, hugo, floor, digest, ...) so a
#   slow patch of the VM hits all of them rather than one.
# - Every timed run starts the same way: its output folder removed, `sync`,
#   page cache dropped. Without the drop, re-creating a big tree right after
#   deleting the previous one gets slower every cycle on this VM, and the
#   content would be read from memory instead of disk.
#
# Layout in WORK: digest and floor (binaries, rebuilt on every run),
# nN/site (corpus + site.yaml; digest writes nN/site/public), nN/hugo (Hugo
# site: skeleton + hard links to the corpus + month stubs), nN/hugo-public,
# nN/hugo-cache, nN/logs.
# Needs: go, python3, GNU time (/usr/bin/time); hugo optional.
set -euo pipefail

N=${1:?usage: bash bench/run.sh N [RUNS]}
RUNS=${2:-3}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The repository root; the shared kit sits beside the repository.
ROOT=$(git -C "$HERE" rev-parse --show-toplevel 2>/dev/null || (cd "$HERE/.." && pwd))
SHARED=${SHARED:-$ROOT/../shared}
WORK=${WORK:-/tmp/digest-bench}
SEED=${SEED:-1}
WARMUP=${WARMUP:-1}
DROP_CACHES=${DROP_CACHES:-1}
TOUCH_RUNS=${TOUCH_RUNS:-1}
WITH_HUGO=${WITH_HUGO:-1}
WITH_FLOOR=${WITH_FLOOR:-1}
WITH_WRITE=${WITH_WRITE:-1}
TIME=/usr/bin/time

W=$WORK/n$N
SITE=$W/site            # the corpus folder is digest's site folder
PUB=$SITE/public        # digest's default output folder
HSITE=$W/hugo
HPUB=$W/hugo-public
LOG=$W/logs

die() { echo "run.sh: $*" >&2; exit 1; }
case $N$RUNS in *[!0-9]*) die "N and RUNS must be whole numbers";; esac
[ "$RUNS" -ge 1 ] || die "RUNS must be at least 1"
[ -x "$TIME" ] || die "$TIME is missing: apt-get install -y time"
[ -f "$SHARED/bench/gencorpus.py" ] || die "no gencorpus.py under SHARED=$SHARED"
command -v go > /dev/null || die "go is not on PATH"

HAVE_HUGO=0
if [ "$WITH_HUGO" = 1 ]; then
  if command -v hugo > /dev/null; then
    HAVE_HUGO=1
  else
    echo "NOTE: hugo is not installed, so digest runs alone (no ratio)."
    echo "      To compare: apt-get install -y --no-install-recommends hugo"
  fi
fi

mkdir -p "$W" "$LOG"
# Two runs sharing WORK would delete each other's outputs mid-build.
exec 9> "$WORK/.lock"
flock -n 9 || die "another run.sh is using $WORK (set WORK= to run beside it)"

# Added articles are removed on exit, even after a failure, so the cached
# corpus stays the one gencorpus.py wrote.
remove_added() {
  find "$SITE/content" -name 'zz-bench-added-*.md' -delete 2> /dev/null || true
  rmdir "$SITE/content/articles/2022" 2> /dev/null || true   # only if we made it
}
trap remove_added EXIT

# median, min and max of a column of numbers, one per line on stdin.
stats() { sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f %.2f %.2f\n", m, v[1], v[NR] }'; }
# a / b with two decimals, "-" when either is missing.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f\n", a / b }'; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
# Wall seconds and peak RSS (KiB) from a `/usr/bin/time -v` report. The wall
# time is printed as m:ss.cc, or h:mm:ss past an hour.
wall_of() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f\n", s }' "$1"; }
rss_of() { awk -F': ' '/Maximum resident set size/ { print $2 }' "$1"; }

DROP=0
if [ "$DROP_CACHES" = 1 ]; then
  if [ -w /proc/sys/vm/drop_caches ]; then
    DROP=1
  else
    echo "NOTE: /proc/sys/vm/drop_caches is not writable (not root?): runs only remove their output (noisier)."
  fi
fi
# The same preparation before every timed run, whatever the tool.
prep() {
  if [ -n "$1" ]; then rm -rf "$1"; fi
  sync
  if [ "$DROP" = 1 ]; then echo 3 > /proc/sys/vm/drop_caches; fi
}

echo "== digest bench N=$N runs=$RUNS seed=$SEED warmup=$WARMUP drop_caches=$DROP work=$W"
echo "   $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)," \
     "$(go version | cut -d' ' -f3)," \
     "digest $(git -C "$ROOT" rev-parse --short HEAD 2> /dev/null || echo '?')"
if [ "$HAVE_HUGO" = 1 ]; then echo "   $(hugo version | cut -d' ' -f1-2)"; fi

# 1. Binaries: built once per run of this script, so they match the checkout.
(cd "$ROOT" && go build -o "$WORK/digest" .) ||
  die "go build of digest failed (is someone mid-edit? retry in a minute)"
if [ "$WITH_FLOOR" = 1 ]; then
  (cd "$ROOT" && go build -o "$WORK/floor" ./bench/floor) || die "go build ./bench/floor failed"
fi
if [ "$WITH_WRITE" = 1 ]; then
  (cd "$ROOT" && go build -o "$WORK/writefloor" ./bench/writefloor) || die "go build ./bench/writefloor failed"
fi

# 2. The corpus, reused when WORK already holds the one for this N and seed.
# unclash.py gives the few articles that would share a URL with another
# (same title, same day: digest refuses to build then) a slug of their own.
stamp="n=$N seed=$SEED unclashed"
if [ -f "$SITE/.corpus" ] && [ "$(cat "$SITE/.corpus")" = "$stamp" ] && [ -d "$SITE/content/articles" ]; then
  remove_added   # left over if an earlier run was killed
  echo "-- reusing corpus in $SITE"
else
  rm -rf "$SITE"
  t0=$(date +%s.%N)
  python3 "$SHARED/bench/gencorpus.py" --n "$N" --out "$SITE" --seed "$SEED"
  echo "-- $(python3 "$HERE/unclash.py" "$SITE") articles given a slug to keep URLs apart"
  echo "$stamp" > "$SITE/.corpus"
  echo "-- corpus generated in $(since "$t0") s"
fi
# digest's configuration: Hugo's baseURL, and UTC so no zone data is needed.
printf 'title: News Digest (digest bench)\nbase_url: https://digest.example/\ntimezone: UTC\n' > "$SITE/site.yaml"

# 3. The Hugo site, prepared as ../shared/bench/hugo-bench.sh does, with
#    PAGINATE_TERMS=1 because digest paginates tag pages (20 per page).
#    The content is hard-linked rather than copied: same files, no extra
#    disk, and the skeleton's layouts/ stay out of digest's site folder
#    (digest would take them as theme overrides).
if [ "$HAVE_HUGO" = 1 ]; then
  rm -rf "$HSITE"
  mkdir -p "$HSITE"
  cp -al "$SITE/content" "$HSITE/content"
  cp -r "$SHARED/bench/hugo-site/." "$HSITE/"
  sed -i 's/^  paginateTerms = false/  paginateTerms = true/' "$HSITE/config.toml"
  grep -q '^  paginateTerms = true' "$HSITE/config.toml" || die "could not turn on paginateTerms in the Hugo skeleton"
  # One stub page per month for the monthly archives (Hugo has none).
  mkdir -p "$HSITE/content/archives"
  for m in $(grep -rh '^date: ' "$HSITE/content/articles" | cut -c7-13 | sort -u); do
    printf -- '---\ntitle: "%s"\nmonth: "%s"\n_build:\n  list: never\n---\n' "$m" "$m" \
      > "$HSITE/content/archives/$m.md"
  done
fi
echo "-- corpus: $(find "$SITE/content/articles" -name '*.md' | wc -l) articles," \
     "$(du -sb "$SITE/content" | cut -f1) bytes of content$(if [ "$HAVE_HUGO" = 1 ]; then
       echo "; hugo: $(ls "$HSITE/content/archives" | wc -l) month stubs, paginateTerms = true"; fi)"

DIGEST=("$WORK/digest" build -s "$SITE" --quiet)
HUGO=(hugo --source "$HSITE" --destination "$HPUB" --cacheDir "$W/hugo-cache" --quiet)
FLOOR=("$WORK/floor" "$SITE")

# run NAME OUTDIR CMD...: one timed run under /usr/bin/time -v after prep;
# appends "wall rss_kib" to LOG/NAME.runs and leaves the report in
# LOG/NAME.time. A failed build stops the benchmark with its output shown.
run() {
  local name=$1 out=$2
  shift 2
  if [ "$name" = digest ]; then
    # A cold build has no build state either: no body cache, no spare of
    # the last site beside the output (see README, "A build is atomic").
    rm -rf "$SITE/.digest" "$SITE"/.public.*
  fi
  prep "$out"
  if ! "$TIME" -v -o "$LOG/$name.time" "$@" > "$LOG/$name.log" 2>&1; then
    echo "!! $name failed: $*" >&2
    tail -n 30 "$LOG/$name.log" >&2
    exit 1
  fi
  echo "$(wall_of "$LOG/$name.time") $(rss_of "$LOG/$name.time")" >> "$LOG/$name.runs"
}
last() { tail -n 1 "$LOG/$1.runs" | awk '{ printf "%s s, %d MiB", $1, $2 / 1024 }'; }

# 4. Warm-up (untimed): first-run effects, and a failing build shows up now.
for i in $(seq "$WARMUP"); do
  run digest "$PUB" "${DIGEST[@]}"
  if [ "$HAVE_HUGO" = 1 ]; then run hugo "$HPUB" "${HUGO[@]}"; fi
  echo "   warm-up $i: digest $(last digest)$(if [ "$HAVE_HUGO" = 1 ]; then echo ", hugo $(last hugo)"; fi)"
done

# 5. Timed rounds, the tools alternating.
rm -f "$LOG"/digest.runs "$LOG"/hugo.runs "$LOG"/floor.runs
for i in $(seq "$RUNS"); do
  run digest "$PUB" "${DIGEST[@]}"
  line="digest $(last digest)"
  if [ "$HAVE_HUGO" = 1 ]; then
    run hugo "$HPUB" "${HUGO[@]}"
    line="$line, hugo $(last hugo)"
  fi
  if [ "$WITH_FLOOR" = 1 ]; then
    run floor "" "${FLOOR[@]}"
    line="$line, floor $(last floor) ($(sed -n 's/.*elapsed=//p' "$LOG/floor.log") in-process)"
  fi
  echo "   run $i: $line"
done

# 6. Summary. Outputs are those of each tool's last timed run.
declare -A MED MIN MAX RSS FILES BYTES
summarize() {
  local name=$1 dir=$2
  read -r "MED[$name]" "MIN[$name]" "MAX[$name]" < <(cut -d' ' -f1 "$LOG/$name.runs" | stats)
  RSS[$name]=$(cut -d' ' -f2 "$LOG/$name.runs" | stats | awk '{ printf "%d", $1 / 1024 }')
  if [ -n "$dir" ]; then
    FILES[$name]=$(find "$dir" -type f | wc -l)
    BYTES[$name]=$(du -sb "$dir" | cut -f1)
  fi
}
summarize digest "$PUB"
if [ "$HAVE_HUGO" = 1 ]; then summarize hugo "$HPUB"; fi
if [ "$WITH_FLOOR" = 1 ]; then
  summarize floor ""
  # The floor writes nothing: show what it read.
  FILES[floor]=$(sed -n 's/.*files=\([0-9]*\).*/\1/p' "$LOG/floor.log")
  BYTES[floor]=$(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' "$LOG/floor.log")
fi

echo
printf '%-7s %12s %14s %14s %9s %13s  %s\n' tool "median wall" "min-max" "peak RSS" files bytes ratio
row() {
  printf '%-7s %10s s %14s %10s MiB %9s %13s  %s\n' "$1" "${MED[$1]}" "${MIN[$1]}-${MAX[$1]} s" \
    "${RSS[$1]}" "${FILES[$1]}" "${BYTES[$1]}" "$2"
}
row digest ""
hugo_ratio=-
if [ "$HAVE_HUGO" = 1 ]; then
  hugo_ratio=$(ratio "${MED[hugo]}" "${MED[digest]}")
  row hugo "hugo/digest = $hugo_ratio"
fi
floor_ratio=-
if [ "$WITH_FLOOR" = 1 ]; then
  floor_ratio=$(ratio "${MED[digest]}" "${MED[floor]}")
  row floor "digest/floor = $floor_ratio   (files and bytes read; Markdown only)"
fi
# The write floor: each tool's output written again, by a program that
# does nothing else, after the same preparation as a timed run. A cold
# build of that output cannot take less on this disk.
write_floor() {  # NAME DIR: prints the seconds it took to write DIR
  local copy=$W/writefloor-$1
  rm -rf "$copy"
  prep ""
  "$WORK/writefloor" "$2" "$copy" > "$LOG/writefloor-$1.log" || die "writefloor failed on $2"
  rm -rf "$copy"
  sed -n 's/.*elapsed=\([0-9.]*\)s.*/\1/p' "$LOG/writefloor-$1.log"
}
WRITE_D=- WRITE_H=-
if [ "$WITH_WRITE" = 1 ]; then
  WRITE_D=$(write_floor digest "$PUB")
  if [ "$HAVE_HUGO" = 1 ]; then WRITE_H=$(write_floor hugo "$HPUB"); fi
  echo
  echo "write floor (bench/writefloor: write the output again, nothing else):"
  echo "  digest's output: $WRITE_D s ($(sed 's/ workers.*//' "$LOG/writefloor-digest.log"))"
  if [ "$HAVE_HUGO" = 1 ]; then
    echo "  hugo's output:   $WRITE_H s ($(sed 's/ workers.*//' "$LOG/writefloor-hugo.log"))"
  fi
fi
echo
echo "RESULT n=$N digest_median=${MED[digest]} hugo_median=${MED[hugo]:--} ratio=$hugo_ratio" \
     "digest_rss_mib=${RSS[digest]} hugo_rss_mib=${RSS[hugo]:--}" \
     "floor_median=${MED[floor]:--} digest_floor_ratio=$floor_ratio" \
     "digest_files=${FILES[digest]} hugo_files=${FILES[hugo]:--}" \
     "digest_write_floor=$WRITE_D hugo_write_floor=$WRITE_H runs=$RUNS drop_caches=$DROP"

# 7. Second builds (digest only; Hugo has no incremental build outside
#    `hugo server`). No cache drop: this is the edit-and-rebuild loop, with
#    public/ from the last timed digest run in place. A stamp file taken just
#    before each build tells which output files the build (re)wrote.
[ "$TOUCH_RUNS" -gt 0 ] || exit 0
echo
echo "== second builds (digest, warm cache, public/ kept)"
rebuild() {  # NAME: one timed build; prints its wall time and files rewritten
  touch "$LOG/stamp"
  sleep 0.1   # mtimes are coarse: keep files written now clearly newer
  if ! "$TIME" -v -o "$LOG/$1.time" "${DIGEST[@]}" > "$LOG/$1.log" 2>&1; then
    echo "!! digest failed on $1" >&2
    tail -n 30 "$LOG/$1.log" >&2
    exit 1
  fi
  find "$PUB" -type f -newer "$LOG/stamp" | sort > "$LOG/$1.newer"
  echo "$(wall_of "$LOG/$1.time") $(wc -l < "$LOG/$1.newer")" >> "$LOG/$1.runs"
}
rm -f "$LOG"/same.runs "$LOG"/added.runs
src=$(find "$SITE/content/articles" -name '*.md' | LC_ALL=C sort | sed -n 1p)
mkdir -p "$SITE/content/articles/2022"
for i in $(seq "$TOUCH_RUNS"); do
  total=$(find "$PUB" -type f | wc -l)
  rebuild same
  echo "   nothing changed, run $i: $(tail -n 1 "$LOG/same.runs" | awk '{ print $1 " s, " $2 " files rewritten" }')" \
       "of $total"
  # A handful is worth naming (an index or marker file digest keeps, say).
  if [ "$(wc -l < "$LOG/same.newer")" -le 5 ]; then sed "s|^$PUB/|     |" "$LOG/same.newer"; fi
  # One new article, newer than all the corpus (which ends with 2021), as a
  # curator adds today's item: a copy of an existing one under a new title,
  # so a new slug and URL.
  new=$SITE/content/articles/2022/zz-bench-added-$i.md
  sed -e "0,/^title: .*/s//title: \"Bench added article $i\"/" \
      -e "0,/^date: .*/s//date: $(printf '2022-01-01T00:%02d:00Z' $((i % 60)))/" "$src" > "$new"
  rebuild added
  echo "   one article added, run $i: $(tail -n 1 "$LOG/added.runs" | awk '{ print $1 " s, " $2 " files written" }')" \
       "(now $(find "$PUB" -type f | wc -l) files; list in $LOG/added.newer)"
done
remove_added
read -r same_med _ _ < <(cut -d' ' -f1 "$LOG/same.runs" | stats)
read -r added_med _ _ < <(cut -d' ' -f1 "$LOG/added.runs" | stats)
echo "RESULT_REBUILD n=$N cold_median=${MED[digest]} unchanged_median=$same_med" \
     "unchanged_vs_cold=$(ratio "$same_med" "${MED[digest]}")" \
     "unchanged_rewritten=$(cut -d' ' -f2 "$LOG/same.runs" | stats | cut -d' ' -f3 | cut -d. -f1)" \
     "added_median=$added_med added_written_max=$(cut -d' ' -f2 "$LOG/added.runs" | stats | cut -d' ' -f3 | cut -d. -f1)" \
     "runs=$TOUCH_RUNS"
