from .resolver import MastResolver  # noqa: F401
