"""casefile: disclosed communications and their press coverage, as a sourced, searchable account."""
from .case import Case
from .errors import CasefileError, NoCase, NoDocument, UserError

__all__ = ["Case", "CasefileError", "NoCase", "NoDocument", "UserError"]
__version__ = "0.1.0"
