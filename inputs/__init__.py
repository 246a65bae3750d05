"""Input loading, in memory only: images (allow-listed formats), bundled samples, generated
data sets, users' zips of class folders, and the named image sources the pages share."""
