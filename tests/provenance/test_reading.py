"""Received manifests and sessions are read as untrusted input: regular files only, of bounded
size and nesting, with no lone surrogate, each refusal one InputError naming the file and field.

Every file here is real: FIFOs made with os.mkfifo, links to the real /dev/zero, sparse files
past the real default limit. A reader that blocks or reads without end fails on the timeout
instead of hanging the run.
"""

import json
import os
import sys

import pytest

import glue_mast
from glue_mast.config import conf
from glue_mast.errors import InputError
from glue_mast.provenance import read_records
from glue_mast.provenance.manifest import SCHEMA, Manifest
from glue_mast.provenance.reading import MAX_NESTING, read_json_file, read_text_file
from glue_mast.provenance.session_files import SessionFiles, read_jdaviz_session
from glue_mast.util import plain

pytestmark = pytest.mark.timeout(60)

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero")

#: Every reader of received files, as (name, function of the path).
READERS = {
    "Manifest.read": Manifest.read,
    "read_records": read_records,
    "read_jdaviz_session": read_jdaviz_session,
    "SessionFiles": SessionFiles,
    "restore_session": glue_mast.restore_session,
}


def _manifest_text(datasets='[{"dataURI": "mast:X/a.fits", "path": "a.fits"}]', extra=""):
    return '{"schema": "%s", "server": null%s, "datasets": %s}' % (SCHEMA, extra, datasets)


def _jdaviz_text(file_record):
    return (
        '{"schema": "glue-mast/jdaviz-session/1", "datasets": [{"label": "a", "file": %s}]}'
        % file_record
    )


# --- what is not a regular file is refused at once -------------------------------------------


@posix_only
@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_a_link_to_dev_zero_is_refused_unread(tmp_path, reader):
    link = tmp_path / "manifest.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(InputError, match=r"is a character device, not a .*regular files"):
        reader(link)


@posix_only
@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_a_fifo_is_refused_without_blocking(tmp_path, reader):
    fifo = tmp_path / "manifest.json"
    os.mkfifo(fifo)  # no writer: a blocking open or read would wait for ever
    with pytest.raises(InputError, match=r"is a FIFO \(named pipe\), not a") as caught:
        reader(fifo)
    assert caught.value.value == str(fifo)


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
def test_a_directory_is_refused(tmp_path, reader):
    (tmp_path / "manifest.json").mkdir()
    with pytest.raises(InputError, match="is a directory, not a"):
        reader(tmp_path / "manifest.json")


def test_the_field_is_the_argument(tmp_path):
    os.mkfifo(tmp_path / "m.json")
    with pytest.raises(InputError) as caught:
        read_records(tmp_path / "m.json")
    assert caught.value.field == "manifest"
    with pytest.raises(InputError) as caught:
        glue_mast.restore_session(tmp_path / "m.json")
    assert caught.value.field == "path"


# --- size -------------------------------------------------------------------------------------


def test_a_file_past_the_default_limit_is_refused_unread(tmp_path):
    assert conf.max_input_size == 64 * 2**20
    big = tmp_path / "manifest.json"
    with open(big, "wb") as f:  # sparse: costs no disk
        f.truncate(64 * 2**20 + 1)
    with pytest.raises(InputError, match=r"is 67\.1 MB, more than the 67\.1 MB .*max_input_size"):
        Manifest.read(big)
    with pytest.raises(InputError, match="max_input_size"):
        read_records(big)


def test_the_limit_is_a_setting(tmp_path):
    path = tmp_path / "manifest.json"
    path.write_text(_manifest_text())
    (tmp_path / "a.fits").write_bytes(b"x")
    size = path.stat().st_size
    with conf.set_temp("max_input_size", size):
        assert len(Manifest.read(path)) == 1  # exactly the limit is read
    with conf.set_temp("max_input_size", size - 1), pytest.raises(InputError, match="more than"):
        Manifest.read(path)
    with conf.set_temp("max_input_size", 0):  # no limit
        assert len(Manifest.read(path)) == 1


def test_not_utf8_is_one_line(tmp_path):
    path = tmp_path / "m.json"
    path.write_bytes(b'{"schema": "\xff"}')
    with pytest.raises(InputError, match=r"is not a glue-mast manifest: it is not UTF-8 text"):
        Manifest.read(path)


# --- content ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, kind", [("[1, 2]", "a list"), ('"x"', "a string"), ("3", "a number"), ("null", "null")]
)
def test_a_top_level_that_is_not_an_object(tmp_path, text, kind):
    path = tmp_path / "m.json"
    path.write_text(text)
    with pytest.raises(InputError, match=f"its JSON is {kind}, not an object"):
        Manifest.read(path)
    with pytest.raises(InputError, match=f"its JSON is {kind}, not an object"):
        read_jdaviz_session(path)


def _nested(depth):
    """A manifest whose deepest list is ``depth`` levels below the top (the top being 1)."""
    inner = "[" * (depth - 3) + "]" * (depth - 3)
    return _manifest_text(datasets="[]", extra=f', "queries": [{{"q": {inner}}}]')


def test_nesting_up_to_the_limit_is_read_and_deeper_is_one_line(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(_nested(MAX_NESTING))
    assert Manifest.read(path).queries  # 64 levels: read, and util.plain copies it
    path.write_text(_nested(MAX_NESTING + 1))
    with pytest.raises(InputError, match=r"nested too deeply: queries\[0\]\.q nests more than"):
        Manifest.read(path)


def test_deep_nesting_is_one_line_not_a_recursion_error(tmp_path):
    # 900 levels parse, and then ended in RecursionError in util.plain.
    path = tmp_path / "m.json"
    path.write_text(_nested(900))
    for reader in (Manifest.read, read_records):
        with pytest.raises(InputError, match="nested too deeply"):
            reader(path)


def test_deep_nesting_in_a_jdaviz_session(tmp_path):
    path = tmp_path / "s.json"
    record = '{"dataURI": "mast:X/a.fits", "path": "a.fits", "provenance": %s}' % (
        "[" * 900 + "]" * 900
    )
    path.write_text(_jdaviz_text(record))
    with pytest.raises(InputError, match=r"nested too deeply: datasets\[0\]\.file"):
        read_records(path)


@pytest.mark.parametrize(
    "text, where",
    [
        (_manifest_text('[{"dataURI": "mast:X/a.fits", "path": "a\\ud800.fits"}]'), "path"),
        (_manifest_text('[{"dataURI": "mast:X/\\udfff.fits", "path": "a.fits"}]'), "dataURI"),
        (_jdaviz_text('{"dataURI": "mast:X/a.fits", "path": "a\\ud800.fits"}'), "file.path"),
        (_jdaviz_text('{"dataURI": "mast:\\udc80", "path": "a.fits"}'), "file.dataURI"),
    ],
)
def test_a_lone_surrogate_is_named_where_it_is(tmp_path, text, where):
    # Valid JSON, but no file name or URL: verify, reproduce and the session files met it as
    # a UnicodeEncodeError.
    path = tmp_path / "m.json"
    path.write_text(text)
    (tmp_path / "a.fits").write_bytes(b"x")
    with pytest.raises(InputError, match=rf"datasets\[0\]\.{where} is '.*', which holds a lone"):
        read_records(path).verify()


def test_a_lone_surrogate_in_a_key(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(_manifest_text(extra=', "x": {"\\ud800": 1}'))
    with pytest.raises(InputError, match=r"x has a key '\\ud800' that holds a lone surrogate"):
        Manifest.read(path)
    # A surrogate pair is one character, and text.
    path.write_text(_manifest_text('[{"dataURI": "mast:X/\\ud83d\\ude00.fits", "path": "a"}]'))
    assert Manifest.read(path).datasets[0]["dataURI"] == "mast:X/\U0001f600.fits"


def test_a_session_whose_queries_are_not_a_list(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(
        _jdaviz_text('{"dataURI": "mast:X/a.fits", "path": "a.fits"}').replace(
            '"label": "a"', '"label": "a", "provenance": {"queries": 5}'
        )
    )
    with pytest.raises(InputError, match=r"datasets\[0\]\.provenance\.queries is not a list"):
        read_records(path)


# --- the path argument ------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, 5, ["m.json"], "", "a\0b", "a\ud800"])
def test_a_path_that_cannot_be_one(value):
    for reader, field in ((read_records, "manifest"), (Manifest.read, "path")):
        with pytest.raises(InputError) as caught:
            reader(value)
        assert caught.value.field == field
        assert str(caught.value).startswith(field)


def test_read_text_file_and_read_json_file(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"a": [1, {"b": "c"}]}')
    assert read_text_file(path, what="thing") == '{"a": [1, {"b": "c"}]}'
    assert read_json_file(path, what="thing") == {"a": [1, {"b": "c"}]}
    with pytest.raises(InputError, match="There is no thing at"):
        read_json_file(tmp_path / "none.json", what="thing")


# --- util.plain -------------------------------------------------------------------------------


def test_plain_refuses_deep_nesting_and_itself():
    deep = []
    for _ in range(2000):
        deep = [deep]
    with pytest.raises(InputError, match=f"nested more than {MAX_NESTING} levels"):
        plain(deep)
    loop = {}
    loop["me"] = loop
    with pytest.raises(InputError, match="holding itself"):
        plain(loop)
    shallow = json.loads("[" * MAX_NESTING + "]" * MAX_NESTING)
    assert plain(shallow) == shallow
