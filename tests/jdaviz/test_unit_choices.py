"""glue_mast.jdaviz.unit_choices: Jdaviz's unit choices, remembered, with the host's answers."""

import logging
import os
import random
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import astropy.units as u
import numpy as np
import pytest
from glue.core import Data
from glue.core.units import find_unit_choices

pytest.importorskip("jdaviz")

from jdaviz.app import UnitConverterWithSpectral

from glue_mast.config import conf
from glue_mast.jdaviz import unit_choices

ROOT = Path(__file__).resolve().parents[2]

SPECTRAL = ["Angstrom", "nm", "um", "m", "Hz", "GHz", "eV", "keV", "1 / cm", "pix"]
FLUX = [
    "Jy", "mJy", "erg / (Angstrom s cm2)", "W / (Hz m2)", "ph / (Angstrom s cm2)",
    "erg / (s cm2)", "ct", "electron / s", "MJy / sr", "Jy / pix2", "",
]
LABELS = ["flux", "Wavelength", "Frequency", "Pixel Axis 0 [x]", "uncertainty", "lux", "f", "x"]
IMPORTERS = [None, "SpectrumImporter", "ImageImporter"]


@pytest.fixture
def host_only():
    """Jdaviz's own method for the test; the memo as it was afterwards."""
    was = unit_choices.installed()
    unit_choices.uninstall()
    yield UnitConverterWithSpectral.equivalent_units
    if was:
        unit_choices.install()


def host_method():
    own = unit_choices._originals.get(UnitConverterWithSpectral)
    return own or UnitConverterWithSpectral.equivalent_units


def random_case(rng):
    label = rng.choice(LABELS)
    unit = rng.choice(FLUX if rng.random() < 0.6 else SPECTRAL)
    data = Data(label="d")
    data.add_component(np.arange(3.0), label)
    data.get_component(label).units = unit
    importer = rng.choice(IMPORTERS)
    if importer:
        data.meta["_importer"] = importer
    return data, data.id[label], unit


def answers(cases):
    """What the converter in place answers for each case (an exception as its type)."""
    converter = UnitConverterWithSpectral()
    out = []
    for data, cid, unit in cases:
        try:
            out.append(converter.equivalent_units(data, cid, unit))
        except Exception as exc:  # the host's own error, for a unit it cannot convert
            out.append(type(exc))
    return out


def test_the_memo_answers_as_jdaviz_does(host_only):
    rng = random.Random(17)
    cases = [random_case(rng) for _ in range(300)]
    expected = answers(cases)
    assert unit_choices.install()
    assert UnitConverterWithSpectral.equivalent_units is not host_only
    unit_choices.clear()
    got = answers(cases)
    assert got == expected
    # Asked a second time, from the memo: the same again.
    assert answers(cases) == expected
    info = unit_choices.cache_info()
    assert info["hits"] > 400 and info["entries"] < 60
    # The cases went through each of the converter's three branches.
    branches = {unit_choices._jdaviz_key(d, c, un)[1] for d, c, un in cases}
    assert branches == {"flux", "spectral", "surface brightness"}
    # glue's find_unit_choices (what the viewers ask) gives the same choices, the data's
    # own unit first.
    for i in range(0, len(cases) - 3, 3):
        group = cases[i : i + 3]
        ours = find_unit_choices(group)
        unit_choices.uninstall()
        theirs = find_unit_choices(group)
        unit_choices.install()
        assert ours[0] == theirs[0] and sorted(ours) == sorted(theirs)


def test_a_caller_changing_an_answer_cannot_change_the_next(host_only):
    unit_choices.install()
    data, cid, unit = random_case(random.Random(3))
    converter = UnitConverterWithSpectral()
    first = converter.equivalent_units(data, cid, unit)
    first.add("not a unit")
    assert "not a unit" not in converter.equivalent_units(data, cid, unit)


def test_other_enabled_units_or_equivalencies_are_answered_afresh(host_only):
    data = Data(label="d")
    data.add_component(np.arange(3.0), "Wavelength")
    data.get_component("Wavelength").units = "Angstrom"
    cid = data.id["Wavelength"]
    flux = Data(label="f")
    flux.add_component(np.arange(3.0), "flux")
    flux.get_component("flux").units = "Jy"
    fcid = flux.id["flux"]

    def host_answers():
        converter = UnitConverterWithSpectral()
        return (
            host_method()(converter, data, cid, "Angstrom"),
            host_method()(converter, flux, fcid, "Jy"),
        )

    def memo_answers():
        converter = UnitConverterWithSpectral()
        return (
            converter.equivalent_units(data, cid, "Angstrom"),
            converter.equivalent_units(flux, fcid, "Jy"),
        )

    assert unit_choices.install()
    plain = memo_answers()
    assert plain == host_answers()
    from astropy.units import imperial

    with u.add_enabled_units(imperial):
        widened = memo_answers()
        assert widened == host_answers()
        assert "inch" in widened[0] and "inch" not in plain[0]
    with u.set_enabled_equivalencies(u.spectral()):
        assert memo_answers() == host_answers()
    assert memo_answers() == plain  # back to the first registry: its answers


def test_a_jdaviz_that_changed_its_method_keeps_it_and_it_is_logged(
    host_only, monkeypatch, caplog
):
    def changed(self, data, cid, units):  # not the source this was written against
        return {str(units)}

    monkeypatch.setattr(UnitConverterWithSpectral, "equivalent_units", changed)
    monkeypatch.setattr(unit_choices, "_declined", set())
    with caplog.at_level(logging.WARNING, logger="glue_mast"):
        assert unit_choices.install() is False
        assert unit_choices.install() is False
    assert UnitConverterWithSpectral.equivalent_units is changed
    declined = [r for r in caplog.records if "equivalent_units" in r.getMessage()]
    assert len(declined) == 1  # logged once, not at every load
    assert "custom-jdaviz" in declined[0].getMessage()


def test_the_setting_turns_it_off_and_puts_jdavizs_back(host_only):
    assert unit_choices.install() and unit_choices.installed()
    with conf.set_temp("fast_unit_choices", False):
        assert unit_choices.install() is False
        assert UnitConverterWithSpectral.equivalent_units is host_only
        assert not unit_choices.installed()
    assert unit_choices.install() and unit_choices.install()  # idempotent
    unit_choices.uninstall()
    assert UnitConverterWithSpectral.equivalent_units is host_only
    unit_choices.uninstall()
    assert UnitConverterWithSpectral.equivalent_units is host_only


def test_registering_with_jdaviz_installs_it(monkeypatch):
    import jdaviz

    import glue_mast.jdaviz

    unit_choices.uninstall()
    monkeypatch.setattr(glue_mast.jdaviz, "_registered", False)
    # registered once already: the new-app hook must not be added twice
    monkeypatch.setattr(jdaviz, "_register_new_app_hook", lambda hook: None, raising=False)
    glue_mast.jdaviz.register()
    assert unit_choices.installed()


def test_lcvizs_converter_is_remembered_with_its_answers(host_only):
    lcviz_helper = pytest.importorskip("lcviz.helper")
    # A first import of lcviz here may have installed the memo on its converter already (it
    # patches Jdaviz's apps, and glue-mast registers with those): its own method first.
    unit_choices.uninstall()
    cls = lcviz_helper.UnitConverter
    own = cls.equivalent_units
    assert unit_choices.install()
    assert unit_choices.installed("custom-lcviz") and cls.equivalent_units is not own
    converter = cls()
    for unit in ["d", "s", "electron / s", "Jy", "mag"]:
        expected = own(converter, None, None, unit)
        assert converter.equivalent_units(None, None, unit) == expected
        assert converter.equivalent_units(None, None, unit) == expected
    unit_choices.uninstall()
    assert cls.equivalent_units is own


#: Jdaviz's and glue's own tests of unit choices and conversion.
HOST_TESTS = [
    "jdaviz.configs.specviz.plugins.unit_conversion.tests.test_unit_conversion",
    "jdaviz.core.tests.test_unit_conversion_utils",
    "glue.core.tests.test_units",
]


def test_jdavizs_own_unit_tests_pass_with_it(tmp_path):
    # One of glue's tests is left out: it asks for the units of data None, which glue's
    # default converter allows and Jdaviz's (registered once Jdaviz is imported) does not; it
    # fails the same without glue-mast.
    code = textwrap.dedent(
        f"""
        import sys
        import pytest
        import jdaviz.app
        from glue_mast.jdaviz import unit_choices

        assert unit_choices.install()
        status = pytest.main({HOST_TESTS!r} + [
            "--pyargs", "-m", "not remote_data", "-q", "-p", "no:cacheprovider",
            "-W", "ignore", "-o", "addopts=", "-k", "not test_find_unit_choices_default",
        ])
        assert unit_choices.installed()
        assert unit_choices.cache_info()["hits"] > 0, unit_choices.cache_info()
        sys.exit(status)
        """
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), *sys.path]))
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=1500,
    )
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    last = out.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ passed, 1 deselected in [\d.]+s( \(.*\))?", last), last


def _spectral_list_users():
    import jdaviz.configs.default.plugins.line_lists.line_lists as line_lists
    import jdaviz.configs.specviz.plugins.unit_conversion.unit_conversion as unit_conversion
    from jdaviz.core import unit_conversion_utils as utils

    return utils, line_lists, unit_conversion


def test_the_spectral_axis_list_answers_as_jdaviz_does(host_only):
    from astropy.units import imperial

    utils, line_lists, unit_conversion = _spectral_list_users()
    own = utils.create_equivalent_spectral_axis_units_list
    units = [u.AA, u.nm, u.Hz, u.GHz, u.eV, u.um, u.Unit("1 / cm"), u.pix,
             u.dimensionless_unscaled]
    expected = [own(unit) for unit in units]
    assert unit_choices.install() and unit_choices.spectral_list_installed()
    for module in (utils, line_lists, unit_conversion):
        remembered = module.create_equivalent_spectral_axis_units_list
        assert remembered is not own and remembered.__wrapped__ is own
        assert [remembered(unit) for unit in units] == expected
    assert unit_choices.cache_info()["hits"] >= 2 * len(units)
    answer = line_lists.create_equivalent_spectral_axis_units_list(u.AA)
    answer.append("not a unit")  # a caller changing its answer cannot change the next one
    assert line_lists.create_equivalent_spectral_axis_units_list(u.AA) == expected[0]
    # Another list of units to leave out is Jdaviz's own answer, not remembered.
    assert line_lists.create_equivalent_spectral_axis_units_list(u.AA, exclude=[]) == own(
        u.AA, exclude=[]
    )
    with u.add_enabled_units(imperial):  # another registry: answered afresh
        widened = line_lists.create_equivalent_spectral_axis_units_list(u.AA)
        assert widened == own(u.AA) and "inch" in widened and "inch" not in expected[0]
    unit_choices.uninstall()
    assert all(
        m.create_equivalent_spectral_axis_units_list is own
        for m in (utils, line_lists, unit_conversion)
    )


def test_a_changed_spectral_axis_list_is_left_alone_and_logged_once(
    host_only, monkeypatch, caplog
):
    utils, line_lists, _ = _spectral_list_users()
    monkeypatch.setattr(unit_choices, "SPECTRAL_LIST_SHA256", "0" * 64)  # as if Jdaviz changed
    monkeypatch.setattr("glue_mast.util._declined", set())
    own = line_lists.create_equivalent_spectral_axis_units_list
    with caplog.at_level(logging.WARNING, logger="glue_mast"):
        unit_choices.install()
        unit_choices.install()
    assert not unit_choices.spectral_list_installed()
    assert line_lists.create_equivalent_spectral_axis_units_list is own
    declined = [r for r in caplog.records if "spectral_axis_units_list" in r.getMessage()]
    assert len(declined) == 1 and "fast_unit_choices" in declined[0].getMessage()
    unit_choices.uninstall()
