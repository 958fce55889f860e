"""Named exceptions. A `UserError` is a mistake the user can fix; the CLI prints its message as
one sentence, without a traceback."""


class CasefileError(Exception):
    """Base class for everything casefile raises on purpose."""


class UserError(CasefileError):
    """A user mistake (wrong path, missing case, bad option value): the message is one sentence."""


class NoCase(UserError):
    """The folder given with --case holds no casefile case."""


class NoDocument(UserError):
    """A document id that is not in the case."""


class SchemaTooNew(UserError):
    """The case was written by a newer casefile than this one."""


class ParseBudgetExceeded(CasefileError):
    """A single file took longer than its time budget to parse."""
