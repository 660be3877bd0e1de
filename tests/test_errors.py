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
