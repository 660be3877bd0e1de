"""Errors glue-mast raises. Each says what went wrong and what to do about it.

Front ends show ``str(error)`` as it is: one line, no traceback. The CLI exits with
:attr:`GlueMastError.exit_code`. Besides the message, an error carries structured fields, so
that a form can point at the widget concerned and offer the suggestions:

- :attr:`~GlueMastError.field`: the input concerned: a parameter (``"radius"``, ``"target"``,
  ``"coordinates"``, ``"page"``, ``"sort"``, ``"server"``, ``"timeout"``) or the MAST field
  a criterion or product filter names (``"obs_collection"``, ``"productType"``), as given;
- :attr:`~GlueMastError.value`: the bad value, as given;
- :attr:`~GlueMastError.suggestions`: valid values close to it (a did-you-mean list).

Messages name no command-line option: a front end adds its own name for ``field``.
"""

__all__ = [
    "GlueMastError",
    "InputError",
    "ResolveError",
    "ServerConnectionError",
    "ServerError",
    "ServerTimeout",
    "UnknownFieldError",
    "UnreadableProduct",
]


class GlueMastError(Exception):
    """Base class of every error glue-mast raises on purpose.

    Parameters
    ----------
    message : str
        One line: what was wrong, and what to do.
    field : str, optional
        The input concerned (see the module's documentation).
    value : object, optional
        The bad value, as given.
    suggestions : sequence of str, optional
        Valid values close to ``value``, best first.
    """

    #: Exit status of the command line for this error.
    exit_code = 1

    def __init__(self, message="", *, field=None, value=None, suggestions=()):
        super().__init__(message)
        self.field = field
        self.value = value
        self.suggestions = list(suggestions)

    def __reduce__(self):
        # Keep the fields across pickling (a process pool, a saved error): Exception's own
        # reduce passes only ``args``.
        return (
            _rebuild,
            (type(self), str(self), self.field, self.value, self.suggestions),
        )


def _rebuild(cls, message, field, value, suggestions):
    return cls(message, field=field, value=value, suggestions=suggestions)


class InputError(GlueMastError, ValueError):
    """Something the user gave is wrong: a field, a value, a page, a radius.

    Parameters
    ----------
    message : str
        What was wrong and what to do, in one line.
    field : str, optional
        The input it concerns (``"radius"``, ``"target"``, a criterion's name), so that a
        form can show the message beside that widget; None when not known.
    value : object, optional
        The bad value as given.
    suggestions : list of str, optional
        Valid values close to it ("did you mean").
    """

    exit_code = 2


class UnknownFieldError(InputError):
    """A field name (criterion, product filter, sort key, column) MAST does not have.

    :attr:`~GlueMastError.value` is the name as given, :attr:`~GlueMastError.suggestions` the
    closest valid names.
    """


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

    def __init__(self, message, *, path=None, readers=(), **fields):
        fields.setdefault("field", "path")
        fields.setdefault("value", None if path is None else str(path))
        super().__init__(message, **fields)
        self.path = None if path is None else str(path)
        self.readers = tuple(readers)


class ServerError(GlueMastError):
    """The MAST server answered with an error, or with something that is not MAST's protocol."""

    exit_code = 3


class ServerTimeout(ServerError):
    """The MAST server did not answer in time."""


class ServerConnectionError(ServerError):
    """The MAST server could not be reached at all."""
