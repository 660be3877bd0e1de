"""Reading the JSON files glue-mast is given: manifests, Jdaviz sessions, glue sessions.

Such a file may come from a colleague, a web page or an attacker, so it is read as untrusted
input, here and nowhere else:

- only from a regular file, once symbolic links are followed: a FIFO, a device (a link to
  ``/dev/zero``), a socket or a directory is refused at once, without a read that could block
  or never end (the file is looked at with ``stat`` and opened with ``O_NONBLOCK``);
- at most :attr:`glue_mast.config.Conf.max_input_size` bytes (64 MiB unless configured): a
  larger file is refused before it is read, and a file that grows while it is read is read
  no further than one byte past the limit;
- as UTF-8 JSON whose top level is an object, nested at most :data:`MAX_NESTING` levels, with
  no lone surrogate (``"\\ud800"``) in any string: such a string is valid JSON but no file
  name, URL or text, and would fail wherever it is used.

Each refusal is one `~glue_mast.errors.InputError` naming the file and, for its content, where
in the JSON the fault is (``datasets[0].path``).
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

from .. import config
from ..errors import InputError
from ..util import MAX_NESTING, format_size

__all__ = [
    "MAX_NESTING",
    "as_path",
    "json_location",
    "json_problem",
    "parse_json",
    "read_json_file",
    "read_text_file",
]

_SURROGATE = re.compile("[\ud800-\udfff]")

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def as_path(value, *, what, field="path"):
    """``value`` as a `~pathlib.Path`, or an `InputError` naming ``field`` if it cannot be one.

    Parameters
    ----------
    value : object
        What the caller gave as the file's path.
    what : str
        What the file should be ("glue-mast manifest"), for the message.
    field : str
        The argument ``value`` was given as, for the message and the error's ``field``.
    """
    if isinstance(value, os.PathLike):
        try:
            value = os.fspath(value)
        except TypeError:
            value = None
    if isinstance(value, bytes):
        value = os.fsdecode(value)
    if not isinstance(value, str):
        raise InputError(
            f"{field} must be the path of a {what} (a str or path), not {value!r}",
            field=field,
            value=value,
        )
    if not value.strip():
        raise InputError(f"{field} is empty: give the path of a {what}", field=field, value=value)
    if "\0" in value:
        raise InputError(
            f"{field} {value!r} holds a NUL character, which no file name can",
            field=field,
            value=value,
        )
    if _undecodable(value):
        raise InputError(
            f"{field} {value!a} holds a lone surrogate, which no file name can",
            field=field,
            value=value,
        )
    return Path(value)


def _undecodable(text):
    """Whether ``text`` cannot be a file name: a surrogate that is not an undecodable byte
    (``os.fsdecode`` turns those into U+DC80-U+DCFF, and they are names as given)."""
    try:
        os.fsencode(text)
    except UnicodeEncodeError:
        return True
    return False


def _limit():
    limit = config.conf.max_input_size
    return int(limit) if limit and int(limit) > 0 else None


def read_text_file(path, *, what, field="path"):
    """The text of the file at ``path``, read only if it is a regular file of bounded size.

    Parameters
    ----------
    path : path-like
        The file. Symbolic links are followed; what they lead to must be a regular file.
    what : str
        What the file should be ("glue-mast manifest"), for messages.
    field : str
        The argument ``path`` was given as, for the error's ``field``.

    Raises
    ------
    InputError
        No such file; not a regular file; larger than ``max_input_size``; unreadable; not
        UTF-8.
    """
    path = as_path(path, what=what, field=field)

    def refuse(reason):
        return InputError(f"{path} {reason}", field=field, value=str(path))

    try:
        # Looked at before it is opened: opening a device can have effects of its own.
        _check_kind(os.stat(path), refuse, what)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(f"There is no {what} at {path}.", field=field, value=str(path)) from None
    except OSError as exc:
        raise refuse(f"cannot be read as a {what} ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        _check_kind(info, refuse, what)  # what was opened, should the name have changed since
        limit = _limit()
        if limit is not None and info.st_size > limit:
            raise refuse(_too_large(info.st_size, limit, what))
        data = _read_at_most(fd, None if limit is None else limit + 1)
    except OSError as exc:
        raise refuse(f"cannot be read as a {what} ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if limit is not None and len(data) > limit:  # it grew while it was read
        raise refuse(_too_large(len(data), limit, what, grew=True))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse(
            f"is not a {what}: it is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None


def _check_kind(info, refuse, what):
    if stat.S_ISREG(info.st_mode):
        return
    kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
    raise refuse(f"is {kind}, not a {what}: glue-mast reads only regular files")


def _too_large(size, limit, what, grew=False):
    more = "grew past" if grew else f"is {format_size(size)}, more than"
    return (
        f"{more} the {format_size(limit)} glue-mast reads as a {what} (the max_input_size "
        "setting of glue_mast.cfg); it was not read"
    )


def _read_at_most(fd, count):
    chunks, total = [], 0
    while count is None or total < count:
        block = os.read(fd, 1 << 20 if count is None else min(1 << 20, count - total))
        if not block:
            break
        chunks.append(block)
        total += len(block)
    return b"".join(chunks)


def read_json_file(path, *, what, field="path", require_object=True):
    """The JSON object in the file at ``path``, read and checked as the module describes.

    Parameters
    ----------
    path : path-like
        The file.
    what : str
        What the file should be ("glue-mast manifest"), for messages.
    field : str
        The argument ``path`` was given as, for the error's ``field``.
    require_object : bool
        Refuse JSON whose top level is not an object; without, the caller says what it
        expected.

    Returns
    -------
    dict
        The file's JSON object (any JSON value without ``require_object``).

    Raises
    ------
    InputError
        One line: the file cannot be read (see :func:`read_text_file`), is not JSON, is not a
        JSON object, is nested too deeply, or holds a lone surrogate (naming where).
    """
    text = read_text_file(path, what=what, field=field)
    return parse_json(text, path, what=what, field=field, require_object=require_object)


def parse_json(text, path, *, what, field="path", require_object=True):
    """The JSON object in ``text``, read from ``path``, checked as :func:`read_json_file` does.

    For a caller that hands the same text to another reader afterwards (glue's own), so that
    the text checked is the text used.
    """
    path = Path(path)

    def refuse(reason):
        return InputError(f"{path} is not a {what} ({reason})", field=field, value=str(path))

    try:
        data = json.loads(text)
    except RecursionError:
        raise refuse(f"nested too deeply: more than {MAX_NESTING} levels") from None
    except ValueError as exc:  # bad JSON, or a number too long to convert
        raise refuse(str(exc)) from None
    if require_object and not isinstance(data, dict):
        raise refuse(f"its JSON is {_kind_of(data)}, not an object")
    problem = (
        json_problem(data, surrogates=bool(_SURROGATE_ESCAPE.search(text)))
        if isinstance(data, (dict, list))
        else None
    )
    if problem:
        raise refuse(problem)
    return data


def _kind_of(value):
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return "a boolean" if isinstance(value, bool) else "a number"


def json_location(parts):
    """``("datasets", 0, "path")`` as ``datasets[0].path``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}" if out else part
        else:
            out += f"[{part!a}]"
    return out or "the top level"


def json_problem(data, max_depth=MAX_NESTING, *, surrogates=True):
    """What is wrong with JSON data glue-mast is to use, in words naming where; or None.

    Walked without recursion, so that nesting of any depth is reported, not fatal.
    ``surrogates=False`` skips looking for lone surrogates, for data parsed from text with no
    ``\\ud800``-``\\udfff`` escape in it (strict UTF-8 decoding makes none).
    """
    stack = [(data, 1, ())]
    while stack:
        value, depth, where = stack.pop()
        if depth > max_depth:
            where = json_location(where[:3])
            return f"nested too deeply: {where} nests more than {max_depth} levels"
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(item, (dict, list)):
                stack.append((item, depth + 1, (*where, key)))
            elif surrogates and isinstance(item, str) and _SURROGATE.search(item):
                return f"{json_location((*where, key))} is {item!a}, which {_LONE}"
            if surrogates and isinstance(key, str) and _SURROGATE.search(key):
                return f"{json_location(where)} has a key {key!a} that {_LONE}"
    return None


#: A JSON escape that can make a surrogate; without one, strict UTF-8 text makes none.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")

_LONE = "holds a lone surrogate (\\ud800-\\udfff), which is no text: correct that field"
