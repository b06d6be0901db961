#!/usr/bin/env bash
# Run THERE (a bare Linux x64 GPU machine, in the repo copy), after bench/device-pack.sh here:
# unpacks node (.device/node.xz), ONNX Runtime's native library (.device/ort.so.xz, with its
# binding) into .device/nm, the Vulkan loader debs (.gl/*.deb, for Dawn's WebGPU), then trains
# the scale benchmark's data on the CPU and on WebGPU with bench/gpu.ts (bundled as
# .device/gpu.mjs), printing one JSON line per epoch and a summary per device.
#
#   bash bench/device-run.sh [rows=5000000] [epochs=3] [batch=32768] [cpu threads=8]
#
# Device call: carry [".device", ".gl"]; command `bash bench/device-run.sh 25000000 3 32768 8 2>&1 | tee $OUT/gpu.log`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-5000000}
EPOCHS=${2:-3}
BS=${3:-32768}
THREADS=${4:-8}

NODE=/tmp/collabsheet-node
xz -dc .device/node.xz > "$NODE"
chmod +x "$NODE"
ORT_DIR=.device/nm/onnxruntime-node/bin/napi-v6/linux/x64
mkdir -p "$ORT_DIR"
xz -dc .device/ort.so.xz > "$ORT_DIR/libonnxruntime.so.1"
cp .device/onnxruntime_binding.node "$ORT_DIR/"
# ESM resolution of the bundle's `import 'onnxruntime-node'` looks in .device/node_modules.
ln -sfn nm .device/node_modules

# Vulkan loader for Dawn (the README's recipe: unpack into / and refresh the linker cache).
if ! ldconfig -p | grep -q libvulkan.so.1; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
if [ -e /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi

echo "node $("$NODE" --version); $(nproc) cpus; $(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || echo 'no nvidia-smi')"
for DEVICE in cpu webgpu; do
  echo "== $DEVICE: $ROWS ratings, $EPOCHS epochs, batch $BS, $THREADS ORT threads"
  "$NODE" .device/gpu.mjs --device "$DEVICE" --rows "$ROWS" --epochs "$EPOCHS" --bs "$BS" --threads "$THREADS" || echo "== $DEVICE failed (exit $?)"
done
