"""Errors of the zoo, in a module of their own so loaders and the registry need not import
each other."""


class UnknownModelError(ValueError):
    """The name is neither a registered model nor a reference a registered loader takes
    (``torchvision:``/``hf:``), or names an unknown architecture."""
