"""A received glue session, edited as an attacker would, restored through glue-mast.

Each session here is a real one: TW Hya's spectra fetched from the local archive, loaded,
saved by ``glue_mast.save_session``; then its JSON or its folder is edited. glue itself would
import and call whatever a session names and read whatever path its LoadLogs name; restoring
through glue-mast must refuse, in one line that names what was refused, before glue reads
anything.
"""

import json
import os
import shutil
import warnings

import numpy as np
import pytest
from astropy import units as u
from glue.core import DataCollection

import glue_mast
from glue_mast.errors import InputError
from glue_mast.glue.session import manifest_path_for, session_files
from glue_mast.glue.session_guard import UncheckedFiles

STIS = "mast_data/HST/OBF501020/obf501020_x1d.fits"
SWP = "mast_data/IUE/swp54419/swp54419mxlo_vo.fits"
LWP = "mast_data/IUE/lwp31270/lwp31270mxlo_vo.fits"


@pytest.fixture
def session(fetched_tw_hya, tmp_path):
    """analysis/analysis.glu saved from TW Hya's three fetched spectra, with its manifest."""
    dc = DataCollection()
    glue_mast.load(fetched_tw_hya, dc)
    path = tmp_path / "analysis" / "analysis.glu"
    glue_mast.save_session(dc, path)
    return path


def _state(session):
    return json.loads(session.read_text())


def _write(session, state):
    session.write_text(json.dumps(state))


def _load_logs(state):
    return {k: r for k, r in state.items() if r.get("_type", "").endswith(".LoadLog")}


def _log_reading(state, path):
    """The key of the LoadLog that reads ``path``."""
    return next(k for k, r in _load_logs(state).items() if r["path"] == path)


def _refused(session, *, mark=None, **options):
    """The one-line message restoring ``session`` is refused with; ``mark``, a file that must
    not exist afterwards (left by code the session ran)."""
    with pytest.raises(Exception) as caught:
        glue_mast.restore_session(session, **options)
    if mark is not None:
        assert not mark.exists(), "the session ran code it names"
    assert isinstance(caught.value, InputError), repr(caught.value)
    message = str(caught.value)
    assert "\n" not in message and message
    return message


# -- what a session names ------------------------------------------------------------------------


@pytest.fixture
def payload(session):
    """A script beside the session that leaves a mark when it runs."""
    script = session.parent / "payload.py"
    mark = session.parent / "ran"
    script.write_text(f"open({str(mark)!r}, 'w').write('ran')\n")
    return script, mark


def test_a_factory_that_runs_a_script_is_refused_and_nothing_runs(session, payload):
    script, mark = payload
    state = _state(session)
    key = _log_reading(state, STIS)
    state[key]["path"] = script.name
    state[key]["factory"]["function"] = "runpy.run_path"
    _write(session, state)
    message = _refused(session, mark=mark, check=False)
    assert f"{key}.factory.function names the function 'runpy.run_path'" in message
    assert message.startswith("Not restoring analysis.glu: ")


@pytest.mark.parametrize(
    "function",
    [
        "os.system",
        "builtins.eval",
        "__builtin__.exec",
        "subprocess.getoutput",
        "glue.core.state.load",  # glue's, but it opens another session unchecked
        "glue_qt.main.execute_script",
        "glue.core.link_helpers.identity",  # a link function, not a loader
        "glue_mast.util.atomic_write",
    ],
)
def test_a_factory_that_is_not_a_loader_is_refused(session, function):
    state = _state(session)
    key = _log_reading(state, SWP)
    state[key]["factory"]["function"] = function
    _write(session, state)
    message = _refused(session)
    assert repr(function) in message and key in message


def test_a_class_from_another_package_is_refused_before_it_is_imported(
    session, tmp_path, monkeypatch
):
    lib = tmp_path / "lib"
    lib.mkdir()
    mark = tmp_path / "imported"
    (lib / "evilmod.py").write_text(
        f"open({str(mark)!r}, 'w').write('imported')\nclass Thing:\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(lib))
    state = _state(session)
    state["Component"]["_type"] = "evilmod.Thing"
    _write(session, state)
    message = _refused(session, mark=mark)
    assert "Component._type names the class 'evilmod.Thing'" in message


def test_a_nested_type_is_refused_with_where_it_is(session):
    state = _state(session)
    # a viewer's layer, as glue-qt writes them: a dict inside a list inside a record
    state["__main__"]["layers"] = [{"_type": "code.InteractiveInterpreter"}]
    _write(session, state)
    message = _refused(session)
    assert "__main__.layers[0]._type names the class 'code.InteractiveInterpreter'" in message


def test_glue_parsed_expressions_a_method_and_a_pickle_are_refused(session):
    state = _state(session)
    state["extra"] = {
        "_type": "glue.core.parse.ParsedCommand",
        "cmd": "__import__('os').getcwd()",
        "references": {},
    }
    _write(session, state)
    assert "names the class 'glue.core.parse.ParsedCommand'" in _refused(session)
    state.pop("extra")
    state["Component"] = {"_type": "types.MethodType", "instance": "__main__", "method": "clear"}
    _write(session, state)
    assert "Component names a method ('clear' of an object)" in _refused(session)
    state["Component"] = {"_type": "types.FunctionType", "pickle": "gASV..."}
    _write(session, state)
    assert "Component holds a pickled function" in _refused(session)


# -- what a session reads -----------------------------------------------------------------------


def _point(session, path, at=SWP):
    state = _state(session)
    key = _log_reading(state, at)
    state[key]["path"] = path
    _write(session, state)
    return key


def test_a_path_climbing_out_of_the_session_folder_is_refused(session, tmp_path):
    outside = tmp_path / "outside" / "x1d.fits"
    outside.parent.mkdir()
    shutil.copy(session.parent / LWP, outside)
    key = _point(session, "../outside/x1d.fits")
    message = _refused(session)
    assert f"{key} names the path '../outside/x1d.fits', which leads outside" in message
    # check=False opens files as they are, but still only inside the folder
    assert _refused(session, check=False) == message


def test_an_absolute_path_is_refused(session, tmp_path):
    outside = tmp_path / "elsewhere_x1d.fits"
    shutil.copy(session.parent / LWP, outside)
    key = _point(session, str(outside))
    assert f"{key} names the path {str(outside)!r}, which leads outside" in _refused(session)


def test_a_link_out_of_the_folder_is_refused(session, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(session.parent / LWP, outside / "x_vo.fits")
    (session.parent / "linked").symlink_to(outside)
    key = _point(session, "linked/x_vo.fits")
    assert f"{key} names the path 'linked/x_vo.fits', which leads outside" in _refused(session)


def test_a_literal_glue_string_path_beside_the_real_one_is_refused(session):
    # glue reads LoadLog paths as written: "st__mast_data/..." is another file, not the
    # recorded one with glue's string prefix
    planted = session.parent / f"st__{SWP}"
    planted.parent.mkdir(parents=True)
    shutil.copy(session.parent / LWP, planted)
    key = _point(session, f"st__{SWP}")
    message = _refused(session)
    assert (
        f"{key} reads 'st__{SWP}', which its manifest analysis.provenance.json does not record"
        in message
    )
    assert planted in session_files(session)  # what glue would read, as written


def test_a_file_the_manifest_does_not_record_is_refused(session):
    extra = session.parent / "mast_data" / "other_vo.fits"
    shutil.copy(session.parent / LWP, extra)
    key = _point(session, "mast_data/other_vo.fits")
    assert f"{key} reads 'mast_data/other_vo.fits', which its manifest" in _refused(session)


def test_a_same_size_replacement_is_refused_by_its_sha256(session):
    target = session.parent / SWP
    data = bytearray(target.read_bytes())
    data[-1] ^= 0xFF  # same size, other bytes
    target.write_bytes(bytes(data))
    message = _refused(session)
    assert message.startswith(
        "Not restoring analysis.glu: 1 of its files are not the ones it was saved with"
        f" ({SWP} has another SHA-256)."
    )


def test_a_record_with_no_sha256_is_restored_as_not_checked(session):
    manifest = manifest_path_for(session)
    record = json.loads(manifest.read_text())
    for d in record["datasets"]:
        if d["path"] == SWP:
            d.pop("sha256")
    manifest.write_text(json.dumps(record))
    with pytest.warns(UncheckedFiles, match=f"without checking 1 of its files.*{SWP}"):
        restored = glue_mast.restore_session(session)
    check = restored.glue_mast_check
    assert not check and check.unchecked == ((SWP, "the manifest records no sha256"),)
    assert sorted(check.verified) == [STIS, LWP]
    assert check.lines() == [f"not checked: {SWP} (the manifest records no sha256)"]


def test_a_checked_restore_says_every_file_was_verified(session):
    with warnings.catch_warnings():
        warnings.simplefilter("error", UncheckedFiles)
        restored = glue_mast.restore_session(session)
    assert bool(restored.glue_mast_check)
    assert sorted(restored.glue_mast_check.verified) == sorted([STIS, SWP, LWP])


def test_no_manifest_is_refused_unless_asked_and_then_nothing_is_verified(session):
    manifest_path_for(session).unlink()
    message = _refused(session, fetch_missing=False)
    assert "there is no manifest (analysis.provenance.json) beside it" in message
    with pytest.warns(UncheckedFiles, match="without checking 3 of its files"):
        restored = glue_mast.restore_session(session, check=False)
    assert restored.glue_mast_check.verified == ()
    assert len(restored.glue_mast_check.unchecked) == 3


def test_a_local_file_that_changed_is_refused(fetched_tw_hya, tmp_path, new_spectrum):
    dc = DataCollection()
    glue_mast.load(fetched_tw_hya, dc)
    mine = tmp_path / "analysis" / "mine" / "made_spec.fits"
    mine.parent.mkdir()
    new_spectrum(np.linspace(0.5, 1.0, 50) * u.um).write(mine, format="tabular-fits")
    glue_mast.load([mine], dc)
    session = tmp_path / "analysis" / "s.glu"
    saved = glue_mast.save_session(dc, session)
    (local,) = saved.manifest.extra["local_files"]
    assert local["path"] == "mine/made_spec.fits" and len(local["sha256"]) == 64
    assert local["labels"] == ["made_spec"]
    assert len(glue_mast.restore_session(session)) == 4  # as saved: restored and verified
    other = new_spectrum(np.linspace(0.6, 1.1, 50) * u.um)
    other.write(mine, format="tabular-fits", overwrite=True)
    assert "mine/made_spec.fits has another SHA-256" in _refused(session)


# -- malformed sessions: one line, no traceback ------------------------------------------------


@pytest.mark.parametrize(
    ("path", "said"),
    [
        (3, "names the path 3, which is not a file name"),
        (None, "names the path None, which is not a file name"),
        (f"{SWP}\0.txt", "which holds a NUL character"),
        ("mast_data/\ud800_vo.fits", "which holds a lone surrogate"),
    ],
)
def test_a_load_log_path_that_is_no_file_name_is_refused(session, path, said):
    key = _point(session, path)
    message = _refused(session)
    # a lone surrogate is refused by the reading, which names the field as a JSON location
    assert (f"{key} " in message or f"{key}.path " in message) and said in message
    message.encode("utf-8")  # printable: the lone surrogate is shown escaped


def test_a_session_that_is_a_list_is_refused(session):
    session.write_text(json.dumps([_state(session)]))
    message = _refused(session)
    assert message == f"{session} is not a glue or Jdaviz session (its JSON is a list, not an object)"


def test_loader_kwargs_glue_cannot_pass_are_refused(session):
    state = _state(session)
    key = _log_reading(state, SWP)
    state[key]["kwargs"] = [[["factory", "x"]]]
    _write(session, state)
    assert f"{key} has kwargs that are not a list of [name, value] pairs" in _refused(session)


def test_restore_session_of_none_is_one_line(tmp_path):
    with pytest.raises(InputError, match="path must be the path of a glue or Jdaviz session .*, not None"):
        glue_mast.restore_session(None)


def test_files_outside_the_folder_of_datasets_without_a_mast_record_stop_the_save(
    fetched_tw_hya, tmp_path, new_spectrum
):
    dc = DataCollection()
    glue_mast.load(fetched_tw_hya, dc)
    mine = tmp_path / "made_spec.fits"  # outside analysis/
    new_spectrum(np.linspace(0.5, 1.0, 50) * u.um).write(mine, format="tabular-fits")
    glue_mast.load([mine], dc)
    session = tmp_path / "analysis" / "s.glu"
    with pytest.raises(InputError, match=f"not: {mine}"):
        glue_mast.save_session(dc, session)
    assert not session.exists()
    assert os.listdir(tmp_path / "analysis") == ["mast_data"]


def test_a_class_name_with_a_lone_surrogate_is_refused_in_a_printable_line(session):
    state = _state(session)
    state["Component"]["_type"] = "glue.core.\ud800"
    _write(session, state)
    message = _refused(session)
    assert "Component._type is 'glue.core.\\ud800', which holds a lone surrogate" in message
    message.encode("utf-8")


def test_a_session_nested_too_deeply_is_one_line(session):
    session.write_text('{"__main__": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert _refused(session) == (
        f"{session} is not a glue or Jdaviz session (nested too deeply: more than 64 levels)"
    )
