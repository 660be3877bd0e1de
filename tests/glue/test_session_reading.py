"""A received glue session (.glu) and its .provenance.json are read as untrusted input: only
regular files, of bounded size and nesting, each refusal one InputError; never a hang, a
MemoryError or a traceback. Real FIFOs and real links to /dev/zero.
"""

import os
import sys

import pytest

import glue_mast
from glue_mast.config import conf
from glue_mast.errors import InputError
from glue_mast.glue import session as glue_session

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev/zero"),
]

#: Ways into a glue session: the front door, glue-mast's glue restore, and the file list.
RESTORES = {
    "glue_mast.restore_session": glue_mast.restore_session,
    "glue.session.restore_session": glue_session.restore_session,
    "session_files": glue_session.session_files,
}


def _make(kind, path):
    if kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.write_text(kind)


@pytest.mark.parametrize("restore", RESTORES.values(), ids=RESTORES.keys())
@pytest.mark.parametrize(
    "kind, message",
    [
        ("dev-zero", "is a character device, not a glue"),
        ("fifo", r"is a FIFO \(named pipe\), not a glue"),
        ("[1, 2]", "its JSON is a list, not an object"),
        ('{"a": ' + "[" * 900 + "]" * 900 + "}", "nested too deeply: a"),
        ('{"__main__": "\\ud800"}', r"__main__ is '\\ud800', which holds a lone surrogate"),
    ],
)
def test_a_session_that_cannot_be_one_is_refused_in_one_line(tmp_path, restore, kind, message):
    path = tmp_path / "analysis.glu"
    _make(kind, path)
    with pytest.raises(InputError, match=message) as caught:
        restore(path)
    assert "\n" not in str(caught.value) and caught.value.field == "path"


def test_a_session_past_the_limit_is_not_read(tmp_path):
    path = tmp_path / "analysis.glu"
    path.write_text('{"__main__": {}}' + " " * 1000)
    with conf.set_temp("max_input_size", 1000), pytest.raises(InputError, match="more than"):
        glue_mast.restore_session(path)


@pytest.mark.parametrize("kind", ["dev-zero", "fifo"])
def test_a_provenance_manifest_that_is_no_regular_file_is_refused_not_skipped(tmp_path, kind):
    # Skipping it would restore the session unchecked.
    path = tmp_path / "analysis.glu"
    path.write_text('{"__main__": {"_type": "glue.core.data_collection.DataCollection"}}')
    _make(kind, glue_session.manifest_path_for(path))
    with pytest.raises(InputError, match="analysis.provenance.json is a .*, not a glue-mast"):
        glue_mast.restore_session(path)


@pytest.mark.parametrize("text", ['{"a": 1}', '{"__main__": 5}'])
def test_json_that_is_no_glue_session_is_one_line(tmp_path, text):
    path = tmp_path / "analysis.glu"
    path.write_text(text)
    with pytest.raises(InputError, match="is not a glue session .*no '__main__' object"):
        glue_mast.restore_session(path)
