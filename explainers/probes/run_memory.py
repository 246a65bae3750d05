"""A probe job on files held in memory (the dashboard: nothing uploaded touches the disk):
the same ``ProbeBatch`` and summaries as the command line, plus the gallery's pictures."""
from __future__ import annotations

import numpy as np

from explainers.probes.batch import ProbeBatch, working_size
from explainers.probes.gallery import gallery_items
from explainers.probes.run import gather, summarise
from inputs.image_io import decode_image

BATCH = 8


def probe_in_memory(work: ProbeBatch, batch: dict[str, np.ndarray], watch: tuple[int, ...],
                    seed: int = 0) -> tuple[dict, dict, list[tuple[str, str]]]:
    """(per-probe findings, per-probe gallery items, bad files) for ``{"file", "data",
    "read_error"}`` columns."""
    n = len(batch["file"])
    parts = [work({k: v[i:i + BATCH] for k, v in batch.items()}) for i in range(0, n, BATCH)]
    columns = gather(parts)
    model = work.model
    found = summarise(model.name, model.labels, tuple(work.specs), tuple(work.methods), columns,
                      watch, seed)
    data = dict(zip([str(f) for f in batch["file"]], batch["data"]))
    galleries = {}
    for spec in work.specs:
        files = [row["file"] for row in found[spec.key]["gallery"]]
        images = [working_size(decode_image(bytes(data[f]))) for f in files]
        galleries[spec.key] = gallery_items(work, spec, files, images) if files else []
    bad = [(str(f), str(e)) for f, e in zip(columns["file"], columns["error"]) if e]
    return found, galleries, bad


def photo_batch(split: str, limit: int) -> dict[str, np.ndarray]:
    """The packaged photos of ``split`` as JPEG bytes at the working size."""
    import io

    from PIL import Image

    from inputs.photos import photo_name, photo_references, read_photo

    names, data = [], []
    for photo_set, ref in photo_references(split)[:limit]:
        buffer = io.BytesIO()
        Image.fromarray(working_size(read_photo(ref))).save(buffer, "JPEG", quality=95)
        names.append(f"{photo_set.name}-{photo_name(ref)}.jpg")
        data.append(buffer.getvalue())
    return {"file": np.array(names, dtype=object), "data": np.array(data, dtype=object),
            "read_error": np.array([""] * len(names), dtype=object)}


def zip_batch(payload: bytes, limit: int) -> dict[str, np.ndarray]:
    """Images of an uploaded zip, read in memory with the job's checks (bombs refused)."""
    import io
    import zipfile

    from inputs.zip_dataset import ZipDatasetError
    from jobs.sources import hidden, read_zip_file

    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
    except zipfile.BadZipFile as err:
        raise ZipDatasetError(f"not a zip archive: {err}") from None
    with archive:
        names = sorted(i.filename for i in archive.infolist() if not i.is_dir()
                       and not hidden(tuple(i.filename.split("/"))))[:limit]
        if not names:
            raise ZipDatasetError("the zip holds no files")
        data, errors = [], []
        for name in names:
            try:
                data.append(read_zip_file(archive, name))
                errors.append("")
            except (ValueError, KeyError, OSError, zipfile.BadZipFile) as err:
                data.append(b"")
                errors.append(f"unreadable: {err}")
    return {"file": np.array(names, dtype=object), "data": np.array(data, dtype=object),
            "read_error": np.array(errors, dtype=object)}
