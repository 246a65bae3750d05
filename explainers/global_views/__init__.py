"""Global views: what a unit or class looks for (activation maximisation) and how a layer
organises a data set (pooled activations projected to 2-D or 3-D). Pure torch/numpy.

Importing the package makes ``dataset:NAME:INDEX`` an image source (``inputs.datasets``
registers the prefix), so a projected point opens on the image page.
"""
import inputs.datasets  # noqa: F401  (registers the dataset: image source)
