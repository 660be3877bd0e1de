"""Which classes and functions a received glue session may name.

glue restores a session by looking up every ``"_type"`` it names (importing the module) and
every function a record names (a LoadLog's factory, a link's function), and then calling
them: the factory is called with the session's path and keyword arguments. A session names
whatever its author wrote, so a ``.glu`` naming ``runpy.run_path`` as a factory runs a script,
and one naming ``glue.core.parse.ParsedComponentLink`` has glue ``eval`` a Python expression.

:func:`check_names` walks the session's JSON before glue sees it and refuses any name that is
not one of glue's, glue-qt's, glue-astronomy's or glue-mast's own classes, or one of their
data loaders and link functions. The allowlist was built from what real sessions name (glue
sessions saved from glue-mast datasets, with glue-qt viewers, subsets, links, colormaps) and
is kept narrow: functions must be registered with glue as loaders or link functions, and
classes that evaluate code (glue's parsed expressions) or pickles are refused.
"""

from __future__ import annotations

import re

from ..errors import InputError

__all__ = [
    "CLASS_NAMES",
    "CLASS_PREFIXES",
    "FUNCTION_TYPES",
    "OWN_FACTORY",
    "check_names",
    "is_load_log",
]

#: Packages whose classes a session may name (glue's own, its Qt front end, its astronomy
#: plugin, and glue-mast's glue classes).
CLASS_PREFIXES = ("glue.", "glue_qt.", "glue_astronomy.", "glue_mast.glue.")

#: Other classes glue itself writes into sessions, loaded from plain values (containers,
#: arrays without pickles, units and WCS from their strings, colormaps by name, shapes from WKT).
CLASS_NAMES = frozenset(
    {
        "builtins.dict",
        "builtins.list",
        "builtins.tuple",
        "builtins.set",
        "builtins.slice",
        "collections.OrderedDict",
        "echo.containers.CallbackDict",
        "echo.containers.CallbackList",
        "numpy.ndarray",
        "numpy.datetime64",
        "matplotlib.colors.LinearSegmentedColormap",
        "matplotlib.colors.ListedColormap",
        "astropy.units.core.Unit",
        "astropy.units.core.CompositeUnit",
        "astropy.units.core.IrreducibleUnit",
        "astropy.units.core.PrefixUnit",
        "astropy.units.core.NamedUnit",
        "astropy.wcs.wcs.WCS",
        "shapely.geometry.point.Point",
        "shapely.geometry.polygon.Polygon",
        "shapely.geometry.multipolygon.MultiPolygon",
        "shapely.geometry.linestring.LineString",
    }
)

#: Classes inside the allowed packages that run code named by the session: glue's parsed
#: expressions (arithmetic attributes, parsed subsets) are evaluated with ``eval``.
REFUSED_CLASS_PREFIXES = ("glue.core.parse.",)

#: The ``_type`` of a record that names a function in its ``function`` field.
FUNCTION_TYPES = frozenset(
    {"types.FunctionType", "types.BuiltinFunctionType", "builtins.builtin_function_or_method"}
)
#: A bound method: ``getattr(instance, name)`` for any name; glue-mast's sessions have none.
METHOD_TYPE = "types.MethodType"

#: glue-mast's own glue loader, the factory of every dataset glue-mast loads.
OWN_FACTORY = "glue_mast.glue.factory.read_mast_product"
#: Packages whose registered glue data loaders a session's LoadLog may name.
LOADER_PREFIXES = ("glue.core.data_factories.", "glue_astronomy.")
#: Packages whose registered glue link functions a session may name.
LINK_FUNCTION_PREFIXES = ("glue.", "glue_astronomy.", "glue_mast.glue.")

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# Parts of a name that would import something other than a library module: a package's
# entry script, its tests.
_REFUSED_PARTS = frozenset({"tests", "conftest"})


def _refuse(session_name, message, where, value):
    message = (
        f"Not restoring {session_name}: {where} {message}; glue would import and run what it"
        " names, and glue-mast does not run what a received session names."
    )
    # A received file's JSON can hold lone surrogates: escaped, so the message can be printed.
    raise InputError(
        message.encode("utf-8", "backslashreplace").decode("utf-8"), field="path", value=value
    )


def _patched(name):
    """The name glue looks up for ``name`` (glue maps the old names of moved classes)."""
    from glue.core.state import PATH_PATCHES

    seen = set()
    while name in PATH_PATCHES and name not in seen:
        seen.add(name)
        name = PATH_PATCHES[name]
    if name.startswith("__builtin__."):  # as glue's lookup_class reads it
        name = "builtins." + name[len("__builtin__.") :]
    return name


def _well_formed(name):
    parts = name.split(".")
    return len(parts) > 1 and all(
        _IDENTIFIER.fullmatch(part) and part not in _REFUSED_PARTS for part in parts
    )


def _lookup(name):
    """What glue finds for ``name`` (importing its module, inside an allowed package)."""
    from glue.core.state import lookup_class_with_patches

    try:
        return lookup_class_with_patches(name)
    except Exception:  # ValueError: not found; anything its import raises
        return None


def is_load_log(cls):
    """Whether ``cls`` is glue's LoadLog (the record of a file a dataset was read from)."""
    from glue.core.data_factories.helpers import LoadLog

    return isinstance(cls, type) and issubclass(cls, LoadLog)


def _class_allowed(name):
    if name in CLASS_NAMES:
        return True
    return name.startswith(CLASS_PREFIXES) and not name.startswith(REFUSED_CLASS_PREFIXES)


def _registered(function, registry, prefixes):
    if not function.startswith(prefixes) or not _well_formed(function):
        return False
    found = _lookup(function)
    return found is not None and any(item.function is found for item in registry.members)


def is_loader(function):
    """Whether ``function`` names glue-mast's loader or one of glue's registered loaders."""
    from glue.config import data_factory

    return function == OWN_FACTORY or _registered(function, data_factory, LOADER_PREFIXES)


def _function_allowed(function):
    from glue.config import link_function

    return is_loader(function) or _registered(function, link_function, LINK_FUNCTION_PREFIXES)


def _records(state):
    """Every JSON object in the session, with where it is (``LoadLog_2.factory``), iteratively:
    a received file may nest deeper than Python's recursion limit."""
    stack = [(value, key) for key, value in reversed(list(state.items()))]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            yield value, where
            stack.extend((item, f"{where}.{key}") for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{i}]") for i, item in reversed(list(enumerate(value))))


def check_names(state, session_name, value=None):
    """Refuse a session that names a class or function glue-mast does not let it name.

    Parameters
    ----------
    state : dict
        The session's JSON, as read.
    session_name : str
        The session's file name, for the message.
    value : str, optional
        The session's path, for the error's ``value``.

    Returns
    -------
    dict
        ``{record key: class}`` of the records that are glue LoadLogs.

    Raises
    ------
    InputError
        One line naming the refused name and the record that names it.
    """
    load_logs = {}
    classes = {}
    for record, where in _records(state):
        if "_type" not in record:
            continue
        name = record["_type"]
        if not isinstance(name, str):
            _refuse(session_name, f"has _type {name!r}, which is not a class name", where, value)
        if name in FUNCTION_TYPES:
            function = record.get("function")
            if "pickle" in record:
                _refuse(session_name, "holds a pickled function", where, value)
            if not isinstance(function, str):
                _refuse(session_name, f"names function {function!r}", where, value)
            if not _function_allowed(_patched(function)):
                _refuse(
                    session_name,
                    f"names the function {function!r}, which is not one of glue's or"
                    " glue-mast's own loaders or link functions",
                    f"{where}.function",
                    value,
                )
            continue
        if name == METHOD_TYPE:
            _refuse(
                session_name,
                f"names a method ({record.get('method')!r} of an object), which glue-mast's"
                " sessions never hold",
                where,
                value,
            )
        patched = _patched(name)
        if not (_class_allowed(patched) and _well_formed(patched)):
            _refuse(
                session_name,
                f"names the class {name!r}, which is not one of glue's or glue-mast's own",
                f"{where}._type",
                value,
            )
        if patched not in classes:
            classes[patched] = _lookup(patched)
        if not isinstance(classes[patched], type):
            _refuse(
                session_name,
                f"names {name!r}, which is not a class glue can find",
                f"{where}._type",
                value,
            )
        if is_load_log(classes[patched]):
            load_logs[where] = record
    return load_logs
