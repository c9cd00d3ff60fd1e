#!/bin/bash
# bench-cluster-peer.sh: our clusterer (tests/bench-cluster) beside
# supercluster's load() on the same points, in one run.
#
#   tests/bench-cluster-peer.sh BUILDDIR [N]
#
# Writes N (100,000) demo reports as GeoJSON with bench-mkgeojson, installs
# the npm package supercluster into a temporary folder (removed at the end;
# nothing of it is kept in the project), and prints bench-cluster's figures,
# then supercluster's on the same file with the same parameters (radius 40 px
# on 256 px tiles, zooms 0–15: radius 40, extent 256, maxZoom 15), each the
# median of several runs in ms of CPU time (the wall clock's as comments),
# and the ratio the issue asks for: supercluster's load() over our index
# plus city view.
#
# SUPERCLUSTER_VERSION picks the package's version (default: the latest 8.x).
set -euo pipefail

BUILDDIR=${1:-build}
N=${2:-100000}
VERSION=${SUPERCLUSTER_VERSION:-8}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$BUILDDIR/tests/central/bench-mkgeojson" "$N" "$tmp/points.geojson"

echo "# bench-cluster, $N points"
"$BUILDDIR/tests/bench-cluster" "$tmp/points.geojson" 2>&1 | tee "$tmp/ours.txt"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "# node or npm missing: supercluster not measured"
  exit 0
fi

if ! (cd "$tmp" && npm install --silent --no-audit --no-fund --prefix "$tmp/peer" \
        "supercluster@$VERSION" >/dev/null 2>"$tmp/npm.log"); then
  echo "# npm could not install supercluster (offline?): not measured"
  sed 's/^/# /' "$tmp/npm.log" | head -5
  exit 0
fi

cat >"$tmp/peer.mjs" <<'EOF'
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [peerDir, file] = process.argv.slice(2);
const require = createRequire(pathToFileURL(peerDir + '/'));
const Supercluster = (await import(pathToFileURL(require.resolve('supercluster')))).default;
const version = JSON.parse(readFileSync(peerDir + '/node_modules/supercluster/package.json')).version;

const features = JSON.parse(readFileSync(file, 'utf8')).features;
const options = { radius: 40, extent: 256, minZoom: 0, maxZoom: 15 };

function median (v) {
  v.sort((a, b) => a - b);
  return v.length % 2 ? v[v.length >> 1] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
}

// The same views as bench-cluster: 1280×800 px around the city centre at
// zoom 11, Kita-ku at zoom 14.
function box (lat, lon, zoom) {
  const world = 256 * 2 ** zoom;
  const x = (lon + 180) / 360;
  const s = Math.sin(lat * Math.PI / 180);
  const y = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  const toLon = (mx) => mx * 360 - 180;
  const toLat = (my) => Math.atan(Math.sinh(Math.PI * (1 - 2 * my))) * 180 / Math.PI;
  return [toLon(x - 640 / world), toLat(y + 400 / world), toLon(x + 640 / world), toLat(y - 400 / world)];
}

// CPU time, as bench-cluster measures (the process's: V8's helper threads
// count), and the wall clock.
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
let index = null;
const loads = [], walls = [];
for (let r = 0; r <= 9; r++) {
  const w0 = performance.now();
  const t0 = cpuMs();
  index = new Supercluster(options).load(features);
  if (r > 0) { loads.push(cpuMs() - t0); walls.push(performance.now() - w0); }
}
const city = box(34.6863, 135.52, 11);
const cityRuns = [];
let nCity = 0;
for (let r = 0; r <= 51; r++) {
  const t0 = performance.now();
  nCity = index.getClusters(city, 11).length;
  if (r > 0) cityRuns.push(performance.now() - t0);
}
console.log(`supercluster_load_ms ${median(loads).toFixed(2)}`);
console.log(`# supercluster_load_ms ${median(walls).toFixed(2)} by the wall clock`);
console.log(`supercluster_city_ms ${median(cityRuns).toFixed(3)}`);
console.error(`# supercluster ${version}, node ${process.version}; ${features.length} points; city view ${nCity} items`);
EOF

echo "# supercluster (node), same points"
node "$tmp/peer.mjs" "$tmp/peer" "$tmp/points.geojson" 2>&1 | tee "$tmp/peer.txt"

awk '
  FNR == NR { ours[$1] = $2; next }
  { peer[$1] = $2 }
  END {
    a = ours["cluster_index_ms"] + ours["cluster_city_ms"];
    b = peer["supercluster_load_ms"];
    if (a > 0) printf "cluster_vs_supercluster_load %.1fx (supercluster load %.2f ms / our index + city view %.2f ms)\n", b / a, b, a;
  }' "$tmp/ours.txt" "$tmp/peer.txt"
