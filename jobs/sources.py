"""The files of a batch job: a folder (walked) or a zip (read in place), listed by name.

Each file is named by its path inside the folder or archive (POSIX separators); the name
keys the results table and the map files. Reading is a per-batch function, so Ray runs it as
light tasks beside the model actors, and the local engine calls the same function.
"""
from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inputs.image_io import MAX_BYTES
from inputs.zip_dataset import MAX_RATIO, ZipDatasetError, read_member, safe_parts


class SourceError(ValueError):
    """The input folder or archive cannot be used; the message is fit to show a user."""


@dataclass(frozen=True)
class FileSource:
    """A folder or a zip on a path every worker can read (absolute)."""

    root: str
    is_zip: bool

    @classmethod
    def open(cls, path_text: str) -> "FileSource":
        path = Path(path_text).expanduser().resolve()
        if path.is_dir():
            return cls(str(path), False)
        if path.is_file() and zipfile.is_zipfile(path):
            return cls(str(path), True)
        raise SourceError(f"--input must be a folder or a zip archive: {path_text}")

    def names(self) -> list[str]:
        """Every non-hidden file, sorted; bad ones are reported later, one by one."""
        return sorted(zip_names(self.root) if self.is_zip else folder_names(self.root))


def hidden(parts: tuple[str, ...]) -> bool:
    return any(p.startswith((".", "__MACOSX")) for p in parts)


def folder_names(root: str) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel = Path(folder).relative_to(root)
        found += [(rel / f).as_posix() for f in files if not f.startswith(".")]
    return found


def zip_names(path: str) -> list[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [i.filename for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError) as err:
        raise SourceError(f"the zip cannot be read: {err}") from None
    return [n for n in names if not hidden(tuple(n.split("/")))]


def read_folder_file(root: str, name: str) -> bytes:
    with open(Path(root) / name, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)  # the loader refuses anything larger
    return data


def read_zip_file(archive: zipfile.ZipFile, name: str) -> bytes:
    if safe_parts(name) is None:
        raise ZipDatasetError(f"{name[:60]!r} is not a file")
    info = archive.getinfo(name)
    if info.file_size > MAX_BYTES or info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise ZipDatasetError(f"{name[:60]!r} is too large or suspiciously compressed")
    return read_member(archive, info)


class ReadFiles:
    """``{"file": names}`` -> the same batch plus ``data`` (bytes) and ``read_error`` (text)."""

    def __init__(self, source: FileSource) -> None:
        self.source = source

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        names = [str(n) for n in batch["file"]]
        data, errors = [b""] * len(names), [""] * len(names)
        archive = zipfile.ZipFile(self.source.root) if self.source.is_zip else None
        try:
            for i, name in enumerate(names):
                try:
                    data[i] = (read_zip_file(archive, name) if archive
                               else read_folder_file(self.source.root, name))
                except (OSError, ValueError, KeyError, RuntimeError, zipfile.BadZipFile) as err:
                    errors[i] = f"unreadable: {err}"
        finally:
            if archive is not None:
                archive.close()
        return {"file": np.array(names, dtype=object), "data": np.array(data, dtype=object),
                "read_error": np.array(errors, dtype=object)}
