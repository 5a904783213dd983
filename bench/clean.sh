#!/usr/bin/env bash
# Benchmark: `exsweep clean --apply` moving a server's backdoors into the quarantine (read once,
# SHA-256 + SHA-1 + MD5, wrapped copy, fsync, verify, hash-chained manifest entry fsynced, then
# remove), against the same steps done with coreutils, in the same run:
#   coreutils-per-file: per file sha256sum, sha1sum, md5sum, gzip -1 into the store, sync, re-read
#     and compare the SHA-256, append a manifest line, sync it, rm: what a careful responder
#     scripts by hand (same guarantees but the chain, one process per step);
#   coreutils-bulk: one sha256sum over everything, one tar | gzip -1, one sync, rm: the floor,
#     with none of the per-file guarantees (a crash loses track of what was moved).
# Then `exsweep quarantine verify` (every object re-read, unwrapped, hashed; the chain).
#
#   bench/clean.sh [PAGES] [DUMP_MB] [DUMPS]     defaults: 2000 256 4 (about 1 GB)
#
# Needs: Go, hyperfine, GNU time, python3; ~3x the tree size of disk under bench/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
pages="${1:-2000}"
dump_mb="${2:-256}"
dumps="${3:-4}"
runs="${RUNS:-3}"
out=bench/out
mkdir -p "$out"
need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need hyperfine hyperfine; [ -x /usr/bin/time ] || need time time

CGO_ENABLED=0 go build -trimpath -o "$out/exsweep" ./cmd/exsweep
src="$out/clean-src-$pages-$dump_mb-$dumps"
if [ ! -f "$src.done" ]; then
  rm -rf "$src"
  python3 - "$src" "$pages" "$dump_mb" "$dumps" <<'PY'
import os, random, sys
root, pages, dump_mb, dumps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rnd = random.Random(1)
web = os.path.join(root, "inetpub/wwwroot/aspnet_client/system_web")
os.makedirs(web)
forms = ['<%@ Page Language="Jscript"%><%eval(Request.Item["{k}"],"unsafe");%>',
         '<script language="JScript" runat="server">function Page_Load(){{eval(Request["{k}"],"unsafe");}}</script>',
         '<%@ Page Language="C#"%><% System.Reflection.Assembly.Load(Convert.FromBase64String(Request.Form["{k}"])).CreateInstance("P"); %>']
for i in range(pages):
    body = forms[i % len(forms)].format(k="k%d" % i)
    pad = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz \r\n<>") for _ in range(rnd.randint(1000, 16000)))
    with open(os.path.join(web, "s%05d.aspx" % i), "w") as f:
        f.write("<!-- " + pad + " -->\r\n" + body)
tmp = os.path.join(root, "Windows/Temp")
os.makedirs(tmp)
page = 4096
for d in range(dumps):
    with open(os.path.join(tmp, "lsass-%d.dmp" % d), "wb") as f:
        f.write(b"MDMP\x93\xa7\x00\x00" + b"\x00" * (page - 8))
        for p in range(dump_mb * 256 - 1):
            # a memory dump: zero pages, text-like pages and random (encrypted/compressed) pages
            r = p % 4
            f.write(b"\x00" * page if r == 0 else (os.urandom(page) if r == 1 else bytes(rnd.getrandbits(8) & 0x7f for _ in range(64)) * 64))
PY
  touch "$src.done"
fi
bytes=$(du -sb --apparent-size "$src" | cut -f1)
files=$(find "$src" -type f | wc -l)

# The hunt's report names what to move (its root is the source tree; clean gets --root).
"$out/exsweep" hunt --root "$src" --only files --format json --quiet > "$out/clean-report.json" || true
work="$out/clean-work"; q="$out/clean-q"
prep="rm -rf $work $q $out/clean-ref && cp -a $src $work && mkdir -p $out/clean-ref"

cat > "$out/clean-coreutils.sh" <<'SH'
#!/usr/bin/env bash
# The per-file steps with coreutils: hashes, compressed copy, sync, verify, manifest line, rm.
set -euo pipefail
work="$1"; store="$2"; mkdir -p "$store/objects"
find "$work/inetpub" "$work/Windows/Temp" -type f -print0 | while IFS= read -r -d '' f; do
  s256=$(sha256sum "$f" | cut -d' ' -f1); s1=$(sha1sum "$f" | cut -d' ' -f1); m5=$(md5sum "$f" | cut -d' ' -f1)
  gzip -1 -c "$f" > "$store/objects/$s256.gz"; sync "$store/objects/$s256.gz"
  [ "$(gzip -dc "$store/objects/$s256.gz" | sha256sum | cut -d' ' -f1)" = "$s256" ]
  printf '%s %s %s %s\n' "$s256" "$s1" "$m5" "$f" >> "$store/manifest"; sync "$store/manifest"
  rm "$f"
done
SH
chmod +x "$out/clean-coreutils.sh"
bulk="cd $work && find inetpub Windows/Temp -type f -print0 | xargs -0 sha256sum > ../clean-ref/sums && find inetpub Windows/Temp -type f -print0 | tar --null -T - -cf - | gzip -1 > ../clean-ref/all.tar.gz && sync ../clean-ref/all.tar.gz && find inetpub Windows/Temp -type f -delete"

hyperfine --runs "$runs" -N --ignore-failure --export-json "$out/hf-clean.json" \
  --prepare "bash -c '$prep'" \
  -n exsweep "$out/exsweep clean --from $out/clean-report.json --root $work --apply --quarantine $q --format json" \
  -n coreutils-per-file "$out/clean-coreutils.sh $work $out/clean-ref" \
  -n coreutils-bulk "bash -c '$bulk'" >/dev/null
med() { python3 -c "import json;d=json.load(open('$out/hf-clean.json'));print('%.2f'%[r for r in d['results'] if r['command']=='$1'][0]['median'])"; }
t_ex=$(med exsweep); t_pf=$(med coreutils-per-file); t_bulk=$(med coreutils-bulk)

# One more exsweep run for its memory and to check what it did.
bash -c "$prep"
/usr/bin/time -f '%M' -o "$out/clean-rss" "$out/exsweep" clean --from "$out/clean-report.json" --root "$work" --apply --quarantine "$q" --format json > "$out/clean-result.json" || true
rss=$(( $(cat "$out/clean-rss") / 1024 ))
moved=$(python3 -c "import json;print(sum(1 for f in json.load(open('$out/clean-result.json'))['files'] if f['status']=='quarantined'))")
left=$(find "$work/inetpub/wwwroot/aspnet_client" "$work/Windows/Temp" -type f | wc -l)
start=$(date +%s.%N)
"$out/exsweep" quarantine verify --quarantine "$q" > "$out/clean-verify.txt"
t_verify=$(python3 -c "import time;print('%.2f'%(time.time()-$start))")
stored=$(du -sb --apparent-size "$q/objects" | cut -f1)

mb=$(python3 -c "print('%.0f'%($bytes/1e6))")
echo "| tool | wall (median of $runs) | MB/s | files/s |"
echo "|---|---|---|---|"
for row in "exsweep clean --apply:$t_ex" "coreutils per file:$t_pf" "coreutils bulk (no per-file guarantee):$t_bulk"; do
  name=${row%:*}; t=${row##*:}
  python3 -c "print('| $name | %.2f s | %.0f | %.0f |' % ($t, $bytes/1e6/$t, $files/$t))"
done
echo
echo "Tree: $files files, $mb MB ($pages pages, $dumps dumps of $dump_mb MB). exsweep moved $moved, left $left flagged files in place; peak RSS ${rss} MB; store $(python3 -c "print('%.0f'%($stored/1e6))") MB; quarantine verify ${t_verify} s: $(tail -2 "$out/clean-verify.txt" | head -1)"
