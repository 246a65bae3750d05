"""An upload's bytes with a digest taken once, and short ids for any image source."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

SAMPLE_PREFIX = "sample:"


@dataclass(frozen=True, eq=False)
class Upload:
    """An upload's bytes with a digest taken once, which the caches key it by.

    ``st.cache_data`` would hash every byte again on each cached call: 30 ms per call for a
    15 MB file, and an image-page rerun makes about ten such calls. (A ``bytes`` subclass
    would not do: Streamlit hashes bytes before it consults ``hash_funcs``.)
    """

    data: bytes = field(repr=False)
    digest: str = ""

    @classmethod
    def of(cls, data: bytes) -> "Upload":
        return cls(data, hashlib.sha256(data).hexdigest())


def source_digest(source: Upload | bytes | str) -> str:
    """A short id of an image source (an upload's digest, or a named source's hash)."""
    if isinstance(source, Upload):
        return source.digest
    return hashlib.sha256(source if isinstance(source, bytes) else source.encode()).hexdigest()
