"""Input loading, in memory only: images (allow-listed formats), bundled samples, generated
data sets, users' zips of class folders, and the named image sources the pages share."""
from inputs import grey  # noqa: E402,F401  (registers the DICOM reader with image_io)
