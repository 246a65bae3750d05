"""The training set's gradient pass for training-data attribution, on either engine (this
process or Ray) through ``GradientBatch``, stored in the same checksummed cache that
``explainers.influence.attribution.influence`` reads (so a later query is a cache hit)."""
from __future__ import annotations

from explainers.influence.attribution import gradient_cache_key
from explainers.influence.batch import GradientBatch
from explainers.influence.cache import cached_grads
from explainers.influence.tracin import LastLayerGrads
from explainers.influence.training_data import training_set
from model_zoo import ImageClassifier
from workflows.engine_run import in_order, on_engine


def training_gradients(model: ImageClassifier, engine=None,
                       batch: int = 256) -> tuple[LastLayerGrads, bool]:
    """(factors of every training image, whether they came from the cache); ``engine``: a
    ``jobs.batch_job.EngineChoice`` (None: this process). NoTrainingData for other models."""
    import numpy as np

    training = training_set(model.name)

    def compute() -> LastLayerGrads:
        columns = {"index": np.arange(len(training.labels)), "image": training.images,
                   "label": training.labels}
        size = (engine.batch_size if engine is not None else None) or batch
        parts = list(on_engine(engine, GradientBatch, {}, columns, size, model))
        ordered = in_order(parts)
        return LastLayerGrads(ordered["errors"], ordered["features"])

    return cached_grads(gradient_cache_key(model, training), compute)
