"""Product files for the reader tests: real Kepler/K2/TESS files, and generated MAST layouts."""

from pathlib import Path

import pytest

from glue_mast.testing import files

#: Real Kepler, K2 and TESS products shipped with the package (attribution in its README).
PACKAGE_REAL = Path(files.__file__).parent / "data" / "real"
#: Real files only the tests use (attribution in its README).
TESTS_REAL = Path(__file__).parent.parent / "data" / "real"


@pytest.fixture
def real_file():
    """The path of a real file, ``real_file(name)``, from the package's or the tests' data."""

    def find(name):
        for folder in (PACKAGE_REAL, TESTS_REAL):
            if (folder / name).is_file():
                return folder / name
        raise FileNotFoundError(name)

    return find


@pytest.fixture
def make_product(tmp_path):
    """Write a generated product, ``make_product(kind, name=None, **params) -> Path``."""

    def make(kind, name=None, **params):
        path = tmp_path / (name or f"{kind}.fits")
        path.write_bytes(files.make_file(kind, **params))
        return path

    return make
