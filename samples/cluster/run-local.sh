#!/usr/bin/env bash
# Starts a local 3-node cluster on 127.0.0.1 (two layer hosts and the coordinator) and trains
# samples/cluster/small.conf on it, then trains the same config locally and compares the weights.
# Usage: [CONF=FILE] samples/cluster/run-local.sh [extra args of the cluster run, e.g. --set cluster.wire-precision=float16]
# CONF picks another train config for both runs (default samples/cluster/small.conf), e.g.
# CONF=samples/mnist-recurrent.conf for the recurrent model, whose layers also talk top-down across the nodes.
# With small.conf, expect both runs to print about 91 % test accuracy (goodness) and every layer to have
# the same weights in both; it takes about a minute on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build src/FFActors.Cli -c Release -v quiet -nologo >/dev/null
FF="dotnet src/FFActors.Cli/bin/Release/net10.0/ffactors.dll"
CONF=${CONF:-samples/cluster/small.conf}
SEED_PORT=${SEED_PORT:-25520}
SEED="akka.tcp://ffactors@127.0.0.1:${SEED_PORT}"
OUT=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# Layer host "a" is the seed node (it joins itself), "b" joins it.
$FF node --role layer-host -c "$CONF" --port "$SEED_PORT" --node-name a --seed-nodes "$SEED" >"$OUT/a.log" 2>&1 &
pids+=($!)
$FF node --role layer-host -c "$CONF" --port 0 --node-name b --seed-nodes "$SEED" >"$OUT/b.log" 2>&1 &
pids+=($!)

# The coordinator joins too and waits until cluster.min-layer-hosts (2 in small.conf) are up.
echo "training $CONF on the cluster, then locally; both should print the same test accuracy"
$FF train --cluster -c "$CONF" --seed-nodes "$SEED" --out "$OUT" --set run.name=cluster --set cluster.min-layer-hosts=2 "$@" | tee "$OUT/cluster.out"
$FF train -c "$CONF" --out "$OUT" --set run.name=local | tee "$OUT/local.out"
echo "cluster: $(grep 'test accuracy (goodness)' "$OUT/cluster.out")"
echo "local:   $(grep 'test accuracy (goodness)' "$OUT/local.out")"

for f in "$OUT"/local/weights/*.pt; do
  if cmp -s "$f" "$OUT/cluster/weights/$(basename "$f")"; then echo "$(basename "$f"): same weights as the local run";
  else echo "$(basename "$f"): DIFFERENT from the local run (expected only with reduced wire precision)"; fi
done
echo "run folders and node logs: $OUT"
