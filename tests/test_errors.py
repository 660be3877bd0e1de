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
