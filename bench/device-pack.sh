#!/usr/bin/env bash
# Run HERE (the dev machine), before calling the device tool: bundles bench/gpu.ts and its
# imports (the engine, onnx-proto) into .device/gpu.mjs with esbuild (already in node_modules
# through tsx/vite), leaving onnxruntime-node external: bench/device-run.sh supplies it there
# from .device/nm + .device/ort.so.xz + .device/onnxruntime_binding.node.
# .device/ is git-excluded: name it in the device call's `carry`, with .gl.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .device
node_modules/.bin/esbuild bench/gpu.ts --bundle --platform=node --format=esm --target=node20 \
  --external:onnxruntime-node --outfile=.device/gpu.mjs --log-level=warning \
  "--banner:js=import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
for f in node.xz ort.so.xz onnxruntime_binding.node nm/onnxruntime-node/package.json nm/onnxruntime-common/package.json; do
  [ -e ".device/$f" ] || echo "device-pack: .device/$f is missing: device-run.sh needs it" >&2
done
ls .gl/*.deb >/dev/null 2>&1 || echo "device-pack: no .gl/*.deb (Vulkan loader; see the device README's recipe)" >&2
du -sh .device .gl 2>/dev/null | sed 's/^/device-pack: carry /'
