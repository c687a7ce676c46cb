#!/usr/bin/env bash
# The local stack on the real provider adapters, pointed at the fake Replicate and OpenAI servers.
# The only difference from `make run` is the environment: provider keys and base URLs.
#
#   scripts/run-with-fakes.sh [extra `tools.local.stack up` arguments, e.g. --scale clips=2]
#
# The fakes answer in FAKE_LATENCY_S seconds per prediction (default 2) and log to .stack/fakes/.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="$repo/.venv/bin/python"
logs="$repo/.stack/fakes"
mkdir -p "$logs"
cd "$repo"

free_port() { "$python" -c 'from tools.local.emulator import free_port; print(free_port())'; }
replicate_port="$(free_port)"
openai_port="$(free_port)"
replicate_token="r8_fake-local-token"
openai_key="sk-fake-local-key"

"$python" -m tests.fakes.replicate_server --port "$replicate_port" --token "$replicate_token" \
  --latency-s "${FAKE_LATENCY_S:-2}" >"$logs/replicate.log" 2>&1 &
replicate_pid=$!
"$python" -m tests.fakes.openai_server --port "$openai_port" --token "$openai_key" >"$logs/openai.log" 2>&1 &
openai_pid=$!
trap 'kill "$replicate_pid" "$openai_pid" 2>/dev/null || true' EXIT

for port in "$replicate_port" "$openai_port"; do
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/_fake/stats" >/dev/null && break
    sleep 0.1
  done
done
echo "fake Replicate on :$replicate_port, fake OpenAI on :$openai_port (logs in $logs)"

REPLICATE_API_TOKEN="$replicate_token" REPLICATE_BASE_URL="http://127.0.0.1:$replicate_port" \
OPENAI_API_KEY="$openai_key" OPENAI_BASE_URL="http://127.0.0.1:$openai_port/v1" \
  "$python" -m tools.local.stack up --demo "$@"
