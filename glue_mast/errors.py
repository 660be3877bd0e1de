"""Errors glue-mast raises. Each says what went wrong and what to do about it.

Front ends show ``str(error)`` as it is: one line, no traceback. The CLI exits with
:attr:`GlueMastError.exit_code`.
"""

__all__ = [
    "GlueMastError",
    "InputError",
    "ResolveError",
    "ServerConnectionError",
    "ServerError",
    "ServerTimeout",
    "UnreadableProduct",
]


class GlueMastError(Exception):
    """Base class of every error glue-mast raises on purpose."""

    #: Exit status of the command line for this error.
    exit_code = 1


class InputError(GlueMastError, ValueError):
    """Something the user gave is wrong: a field, a value, a page, a radius.

    Parameters
    ----------
    message : str
        What was wrong and what to do, in one line.
    field : str, optional
        The input it concerns (``"radius"``, ``"target"``, a criterion's name), so that a
        form can show the message beside that widget; None when not known.
    """

    exit_code = 2

    def __init__(self, message="", *, field=None):
        super().__init__(message)
        self.field = field


class ResolveError(InputError):
    """A target name the resolver does not know."""


class UnreadableProduct(InputError):
    """A product file that no glue-mast reader can turn into a spectrum or light curve.

    Parameters
    ----------
    message : str
        The whole message, naming the file and what to do.
    path : str
        The file.
    readers : tuple of str
        The readers that were tried, in order.
    """

    def __init__(self, message, *, path, readers=()):
        super().__init__(message)
        self.path = str(path)
        self.readers = tuple(readers)


class ServerError(GlueMastError):
    """The MAST server answered with an error, or with something that is not MAST's protocol."""

    exit_code = 3


class ServerTimeout(ServerError):
    """The MAST server did not answer in time."""


class ServerConnectionError(ServerError):
    """The MAST server could not be reached at all."""
