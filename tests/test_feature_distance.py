"""The feature-space distance: known answers on a Gaussian, held-out phantoms within the
phantom model's threshold and a real radiograph beyond it, and its hook removed."""
from __future__ import annotations

import numpy as np

from explainers.metrics.feature_distance import calibrate


def test_threshold_and_false_alarms_on_a_known_gaussian():
    rng = np.random.default_rng(0)
    fit, tune, check = (rng.normal(size=(2000, 4)) for _ in range(3))
    measure = calibrate(fit, tune, check)
    assert 0.002 < measure.false_alarm_rate < 0.03  # about 1% by construction
    assert abs(measure.threshold - np.sqrt(13.28)) < 0.4  # chi-square(4) 99th percentile
    assert measure.verdict(np.full(4, 10.0))[1] and not measure.verdict(np.zeros(4))[1]


def test_phantoms_are_within_and_a_real_radiograph_is_far(zoo):
    import torch

    from inputs.dicom import read_dicom
    from inputs.grey import dicom_case, model_tensor
    from inputs.phantoms import phantom_case
    from inputs.real_scans import real_scan_bytes
    from explainers.metrics.phantom_distance import phantom_distance

    model = zoo("xray_phantom_cnn")
    hooks = sum(len(m._forward_hooks) for m in model.module.modules())
    phantom = torch.from_numpy(phantom_case(7, 3).image)[None].expand(3, -1, -1)
    real = model_tensor(dicom_case(read_dicom(real_scan_bytes(
        "Real: chest radiograph, PA (CR, MONOCHROME1)"))))
    near, far = phantom_distance(model, phantom), phantom_distance(model, real)
    assert not near[1] and far[1] and far[0] > 2 * near[0]
    assert sum(len(m._forward_hooks) for m in model.module.modules()) == hooks
