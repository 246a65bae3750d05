"""Global views: what a unit or class looks for (activation maximisation) and how a layer
organises a data set (pooled activations projected to 2-D or 3-D). Pure torch/numpy.

Importing the package makes ``dataset:NAME:INDEX`` an image source (generated sets and
remembered uploads), so a projected point opens on the image page.
"""
from inputs.datasets import dataset_image
from inputs.sources import register_image_source

register_image_source("dataset", dataset_image)
