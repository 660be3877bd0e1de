"""glue_mast.errors: one-line messages with structured fields a form can point with."""

import pickle

import pytest

from glue_mast.errors import GlueMastError, InputError, ServerTimeout, UnknownFieldError


def test_fields_default_to_nothing():
    err = InputError("radius must be positive")
    assert (str(err), err.field, err.value, err.suggestions) == (
        "radius must be positive",
        None,
        None,
        [],
    )
    assert err.exit_code == 2 and isinstance(err, ValueError)


def test_fields_survive_pickling():
    err = UnknownFieldError(
        "unknown criteria field 'calib_levle'; did you mean calib_level?",
        field="calib_levle",
        value="calib_levle",
        suggestions=("calib_level",),
    )
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is UnknownFieldError
    assert (str(copy), copy.field, copy.value, copy.suggestions) == (
        str(err),
        "calib_levle",
        "calib_levle",
        ["calib_level"],
    )


@pytest.mark.parametrize("cls, code", [(GlueMastError, 1), (InputError, 2), (ServerTimeout, 3)])
def test_exit_codes(cls, code):
    assert cls("x", field="timeout", value=1.0).exit_code == code


# --- the Python API names the argument a mistake is in ----------------------------------------


def _products(local_mast):
    import glue_mast

    return glue_mast.products(glue_mast.search("TW Hya").page(1)[:1])


API_MISTAKES = {
    "products(None)": (lambda g, m, d: g.products(None), "observations"),
    "products({})": (lambda g, m, d: g.products({"obsid": 1}), "observations"),
    "products(2.5)": (lambda g, m, d: g.products(2.5), "observations"),
    "fetch(parallel='x')": (lambda g, m, d: g.fetch(_products(m), d, parallel="x"), "parallel"),
    "fetch(parallel=2.5)": (lambda g, m, d: g.fetch(_products(m), d, parallel=2.5), "parallel"),
    "fetch(parallel=True)": (lambda g, m, d: g.fetch(_products(m), d, parallel=True), "parallel"),
    "fetch(parallel=0)": (lambda g, m, d: g.fetch(_products(m), d, parallel=0), "parallel"),
    "configure(timeout='abc')": (lambda g, m, d: g.configure(timeout="abc"), "timeout"),
    "configure(timeout=[1])": (lambda g, m, d: g.configure(timeout=[1]), "timeout"),
    "configure(timeout=inf)": (lambda g, m, d: g.configure(timeout=float("inf")), "timeout"),
    "configure(download_dir=5)": (lambda g, m, d: g.configure(download_dir=5), "download_dir"),
    "configure(cache_dir='')": (lambda g, m, d: g.configure(cache_dir=""), "cache_dir"),
    "reproduce(None)": (lambda g, m, d: g.reproduce(None), "manifest"),
    "reproduce(7)": (lambda g, m, d: g.reproduce(7, d), "manifest"),
    "restore_session(None)": (lambda g, m, d: g.restore_session(None), "path"),
    "restore_session(b'a\\0')": (lambda g, m, d: g.restore_session(b"a\0"), "path"),
    "search(obs_collection={'a': 1})": (
        lambda g, m, d: g.search(obs_collection={"a": 1}),
        "obs_collection",
    ),
    "search(obs_collection=[{'a': 1}])": (
        lambda g, m, d: g.search(obs_collection=[{"a": 1}]),
        "obs_collection",
    ),
    "search(target_name=b'TW Hya')": (
        lambda g, m, d: g.search(target_name=b"TW Hya"),
        "target_name",
    ),
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("call, field", API_MISTAKES.values(), ids=API_MISTAKES.keys())
def test_the_python_api_raises_input_error_naming_the_argument(local_mast, tmp_path, call, field):
    import glue_mast

    with pytest.raises(InputError) as caught:
        call(glue_mast, local_mast, tmp_path / "out")
    assert caught.value.field == field
    assert "\n" not in str(caught.value)
    assert field in str(caught.value)
    assert not (tmp_path / "out").exists()


def _exception_classes_defined_in(path):
    import ast

    tree = ast.parse(path.read_text())
    return [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any(
            getattr(base, "id", getattr(base, "attr", "")).endswith(
                ("Error", "Exception", "Cancelled", "Timeout", "Interrupt", "InvalidURL")
            )
            for base in node.bases
        )
    ]


def test_every_error_class_is_defined_in_errors_py():
    from pathlib import Path

    import glue_mast

    package = Path(glue_mast.__file__).parent
    elsewhere = {
        str(path.relative_to(package)): names
        for path in package.rglob("*.py")
        if path.name != "errors.py" and (names := _exception_classes_defined_in(path))
    }
    assert elsewhere == {}


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("glue_mast.jobs", "JobCancelled"),
        ("glue_mast.jobs", "JobTimeout"),
        ("glue_mast.archive.fetch", "FetchCancelled"),
        ("glue_mast.archive.fetch", "FetchInterrupted"),
        ("glue_mast.archive.fetch.job", "FetchCancelled"),
        ("glue_mast.archive.mast_http", "RetryAfterTooLong"),
        ("glue_mast.archive.mast_http", "StillExecuting"),
        ("glue_mast.archive.mast_http", "human_seconds"),
        ("glue_mast.archive.fetch.cancel", "TransferCancelled"),
        ("glue_mast.archive.fetch.transfer", "UnsafeRedirect"),
        ("glue_mast.io.registry", "NotThisReader"),
        ("glue_mast.provenance.entries", "ManifestError"),
        ("glue_mast.provenance.entries", "BadEntry"),
        ("glue_mast.testing.catalog", "QueryError"),
    ],
)
def test_old_imports_keep_working(module, name):
    import importlib

    from glue_mast import errors

    assert getattr(importlib.import_module(module), name) is getattr(errors, name)


def test_unsafe_redirect_is_a_requests_error_built_once():
    import requests

    from glue_mast import errors

    assert issubclass(errors.UnsafeRedirect, requests.exceptions.InvalidURL)
    assert errors.UnsafeRedirect is errors.UnsafeRedirect
    assert errors.UnsafeRedirect.__module__ == "glue_mast.errors"


def test_missing_dependency_names_the_extra_and_is_an_import_error():
    from glue_mast.errors import MissingDependency

    err = MissingDependency("Reading light curves", "lightkurve", extra="lightcurves")
    assert isinstance(err, ImportError) and isinstance(err, InputError)
    assert str(err) == (
        "Reading light curves needs lightkurve, which is not installed: "
        'pip install "glue-mast[lightcurves]" (or pip install lightkurve)'
    )
    assert (err.field, err.value, err.name, err.extra) == (
        "dependency", "lightkurve", "lightkurve", "lightcurves"
    )
    assert err.exit_code == 2
    copy = pickle.loads(pickle.dumps(err))
    assert (type(copy), str(copy), copy.extra) == (MissingDependency, str(err), "lightcurves")
    plain = MissingDependency("Reading s3d cubes", "stdatamodels")
    assert str(plain).endswith("which is not installed: pip install stdatamodels")


def test_storage_error_is_an_os_error_with_one_line():
    import errno

    from glue_mast.errors import StorageError

    cause = OSError(errno.EROFS, "Read-only file system")
    err = StorageError("cannot write in /data: Read-only file system", path="/data", cause=cause)
    assert isinstance(err, OSError) and isinstance(err, InputError)
    assert (err.errno, err.strerror, err.filename, err.value) == (
        errno.EROFS, "Read-only file system", "/data", "/data"
    )
    assert str(err) == "cannot write in /data: Read-only file system"
    assert err.exit_code == 2


def test_a_directory_that_cannot_be_written_raises_storage_error(tmp_path):
    from glue_mast.archive.fetch.lock import DirectoryLock
    from glue_mast.errors import StorageError

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StorageError, match="choose a directory you can write to") as raised:
        DirectoryLock([blocker / "below"]).open()
    assert raised.value.filename == str(blocker / "below")
    assert raised.value.errno is not None


def test_missing_readers_raise_missing_dependency(monkeypatch):
    import sys

    from glue_mast.errors import MissingDependency
    from glue_mast.io import jwst, lightcurves

    monkeypatch.setitem(sys.modules, "lightkurve", None)
    with pytest.raises(MissingDependency, match=r'glue-mast\[lightcurves\]') as raised:
        lightcurves.import_lightkurve()
    assert raised.value.package == "lightkurve"
    monkeypatch.setitem(sys.modules, "stdatamodels", None)
    with pytest.raises(MissingDependency, match="pip install stdatamodels"):
        jwst._require_stdatamodels("JWST s3d cubes")
