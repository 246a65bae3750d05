"""Human-rated sentences from the source archive of PyPI ``vaderSentiment`` (MIT licence):
Hutto & Gilbert (ICWSM 2014)'s ground truth, each sentence the mean of >= 20 ratings on
-4..4: tweets, movie-review snippets, Amazon product-review snippets, NYT editorial snippets.

The archive is fetched once with ``pip download --no-binary :all:`` (a package registry, the
only network this project may use) into ``~/.cache/xai-dashboard/vader`` and read from the
tarballs in memory. Used only by training and measurement scripts, never at run time.
"""
from __future__ import annotations

import io
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd

VERSION = "3.3.2"
CACHE = Path.home() / ".cache" / "xai-dashboard" / "vader"
SOURCES = {"tweets": "tweets_GroundTruth.txt", "movies": "movieReviewSnippets_GroundTruth.txt",
           "products": "amazonReviewSnippets_GroundTruth.txt",
           "news": "nytEditorialSnippets_GroundTruth.txt"}
CLEAR = 1.5  # |mean rating| at or above this: a clear polarity


def archive() -> Path:
    path = CACHE / f"vaderSentiment-{VERSION}.tar.gz"
    if not path.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                        "--no-binary", ":all:", f"vaderSentiment=={VERSION}", "-d", str(CACHE)],
                       check=True)
    return path


def rated_sentences() -> pd.DataFrame:
    """Columns source, text, mean (-4..4), in file order."""
    frames = []
    with tarfile.open(archive()) as outer:
        inner_member = next(m for m in outer.getmembers() if m.name.endswith("hutto_ICWSM_2014.tar.gz"))
        inner_bytes = outer.extractfile(inner_member).read()
    with tarfile.open(fileobj=io.BytesIO(inner_bytes)) as inner:
        for source, name in SOURCES.items():
            member = next(m for m in inner.getmembers() if m.name.endswith(name))
            lines = inner.extractfile(member).read().decode("utf-8", "replace").splitlines()
            rows = [line.split("\t", 2) for line in lines if line.count("\t") >= 2]
            frames.append(pd.DataFrame({"source": source, "text": [r[2] for r in rows],
                                        "mean": [float(r[1]) for r in rows]}))
    return pd.concat(frames, ignore_index=True)


def clear_polarity(frame: pd.DataFrame) -> pd.DataFrame:
    """Sentences rated clearly positive or negative, with their label (negative/positive)."""
    clear = frame[frame["mean"].abs() >= CLEAR].copy()
    clear["label"] = (clear["mean"] > 0).map({True: "positive", False: "negative"})
    return clear


NEUTRAL_BAND = 0.5  # |mean rating| below this: neutral (3-class label for training and "all")
SPLIT_SEED = 0
SPLIT = (0.7, 0.15, 0.15)  # train / val / test within each source


def three_class(mean: pd.Series) -> pd.Series:
    """negative / neutral / positive from the mean rating (neutral within +-NEUTRAL_BAND)."""
    return pd.Series(["negative" if m <= -NEUTRAL_BAND else "positive" if m >= NEUTRAL_BAND
                      else "neutral" for m in mean], index=mean.index)


def split_sources(frame: pd.DataFrame) -> pd.DataFrame:
    """Adds ``split`` (train/val/test): seeded, per source, a text's duplicates kept together
    (same text, same split), so the test rows are never trained or tuned on."""
    out = frame.copy()
    out["split"] = ""
    for source, rows in out.groupby("source"):
        texts = rows.text.str.strip().str.lower().drop_duplicates().sort_values().tolist()
        order = np.random.default_rng([SPLIT_SEED, len(texts)]).permutation(len(texts))
        n_train, n_val = int(len(texts) * SPLIT[0]), int(len(texts) * SPLIT[1])
        which = {}
        for rank, i in enumerate(order):
            which[texts[i]] = ("train" if rank < n_train else
                               "val" if rank < n_train + n_val else "test")
        out.loc[rows.index, "split"] = rows.text.str.strip().str.lower().map(which)
    return out
