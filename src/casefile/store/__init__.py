from .sqlite import Store

__all__ = ["Store"]
