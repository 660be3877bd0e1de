"""glue_mast.jdaviz.spectrum_parsers: Jdaviz's specutils parsers answer at once for a spectrum
object, with the same loaders and formats as Jdaviz's own."""

import logging
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import astropy.units as u
import numpy as np
import pytest

pytest.importorskip("jdaviz")

from jdaviz.core.loaders.parsers import fits as host_fits
from jdaviz.core.loaders.parsers import specutils as host
from specutils import Spectrum, SpectrumList

from glue_mast.config import conf
from glue_mast.jdaviz import spectrum_parsers

ROOT = Path(__file__).resolve().parents[2]
PARSERS = (host.SpecutilsSpectrumParser, host.SpecutilsSpectrumListParser, host_fits.FITSParser)


@pytest.fixture
def host_only():
    """Jdaviz's own parsers for the test; the replacement as it was afterwards."""
    was = spectrum_parsers.installed()
    spectrum_parsers.uninstall()
    yield {cls: cls.__dict__["is_valid"] for cls in PARSERS}
    if was:
        spectrum_parsers.install()


def _spectrum(n=50):
    return Spectrum(
        flux=np.linspace(1, 2, n) * u.Jy, spectral_axis=np.linspace(1000, 2000, n) * u.AA
    )


def _formats(app, inp, **kwargs):
    """What Jdaviz's object loader offers for ``inp``: its formats, parsers and the
    importers it found invalid."""
    from jdaviz.core.registries import loader_resolver_registry

    resolver = loader_resolver_registry.members["object"].from_input(app._app, inp, **kwargs)
    items = [(i["label"], i["parser"], i["importer"]) for i in resolver.format.items]
    return items, sorted(resolver.format._invalid_importers)


@pytest.fixture
def identified(monkeypatch):
    """Each time astropy's I/O registry looks for a reader (what ``Spectrum.read`` and
    ``SpectrumList.read`` do first): the inputs it was asked about."""
    registry = Spectrum.read.registry
    assert SpectrumList.read.registry is registry
    real = registry.identify_format
    asked = []

    def identify_format(origin, data_class, path, fileobj, args, kwargs):
        asked.append(args[0] if args else path)
        return real(origin, data_class, path, fileobj, args, kwargs)

    monkeypatch.setattr(registry, "identify_format", identify_format)
    return asked


def test_a_spectrum_object_is_refused_without_reading_it(host_only, app, identified):
    assert spectrum_parsers.install()
    for cls in PARSERS:
        for inp in (_spectrum(), SpectrumList([_spectrum()]), None):
            parser = cls(app._app, inp)
            assert parser.is_valid is False
            assert "output" not in parser.__dict__  # FITS: not opened (lazily) either
    assert identified == []  # no specutils reader was looked for


def test_jdavizs_fits_parser_takes_a_spectrum_object_and_glue_mast_refuses_it(host_only, app):
    # What the quick answer saves: fits.open opens lazily, so Jdaviz's FITS parser takes a
    # spectrum object and the loader builds an importer for it, which then refuses it.
    assert host_fits.FITSParser(app._app, _spectrum()).is_valid is True
    assert spectrum_parsers.install()
    assert host_fits.FITSParser(app._app, _spectrum()).is_valid is False


def test_a_file_is_still_read(host_only, app, tmp_path, identified):
    path = tmp_path / "spectrum.fits"
    _spectrum().write(path, format="tabular-fits")
    assert spectrum_parsers.install()
    parser = host.SpecutilsSpectrumParser(app._app, str(path))
    assert parser.is_valid is True
    assert identified and isinstance(parser.output, Spectrum)
    assert host_fits.FITSParser(app._app, str(path)).is_valid is True
    assert host.SpecutilsSpectrumParser(app._app, str(tmp_path / "none.fits")).is_valid is False


def test_jdavizs_loader_offers_the_same_formats(host_only, app, tmp_path):
    path = tmp_path / "spectrum.fits"
    _spectrum().write(path, format="tabular-fits")
    inputs = [
        (_spectrum(), {}),
        (_spectrum(), {"format": "1D Spectrum"}),
        (SpectrumList([_spectrum(), _spectrum(20)]), {}),
        (np.arange(10.0), {}),
    ]
    own = [_formats(app, inp, **kw) for inp, kw in inputs]
    assert spectrum_parsers.install()
    fast = [_formats(app, inp, **kw) for inp, kw in inputs]
    # The same formats, from the same parsers; the importers found invalid are the same too,
    # but for the specutils parsers' reason (refused at once instead of after reading).
    assert [items for items, _ in fast] == [items for items, _ in own]
    assert ("1D Spectrum", "object", "1D Spectrum") in own[0][0]
    assert own[1][0] == [("1D Spectrum", "object", "1D Spectrum")]


def test_a_changed_parser_is_left_alone_and_logged_once(host_only, monkeypatch, caplog):
    def is_valid(self):  # not the source this was written against
        return False

    monkeypatch.setattr(host.SpecutilsSpectrumParser, "is_valid", property(is_valid))
    monkeypatch.setattr("glue_mast.util._declined", set())
    with caplog.at_level(logging.WARNING, logger="glue_mast"):
        assert spectrum_parsers.install() is False
        assert spectrum_parsers.install() is False
    assert host.SpecutilsSpectrumParser.__dict__["is_valid"].fget is is_valid
    declined = [r for r in caplog.records if "SpecutilsSpectrumParser" in r.getMessage()]
    assert len(declined) == 1
    assert "fast_spectrum_parsing" in declined[0].getMessage()


def test_the_setting_turns_it_off_and_puts_jdavizs_back(host_only):
    assert spectrum_parsers.install() and spectrum_parsers.installed()
    with conf.set_temp("fast_spectrum_parsing", False):
        assert spectrum_parsers.install() is False
        assert not spectrum_parsers.installed()
        assert all(cls.__dict__["is_valid"] is host_only[cls] for cls in PARSERS)
    assert spectrum_parsers.install() and spectrum_parsers.install()  # idempotent
    spectrum_parsers.uninstall()
    assert all(cls.__dict__["is_valid"] is host_only[cls] for cls in PARSERS)


#: Jdaviz's own tests of its loaders and of loading spectra (objects and files).
HOST_TESTS = [
    "jdaviz.core.loaders.tests.test_loaders",
    "jdaviz.configs.specviz.tests.test_helper",
    "jdaviz.configs.specviz.tests.test_parsers",
]


def test_jdavizs_own_loader_tests_pass_with_it(tmp_path):
    code = textwrap.dedent(
        f"""
        import sys
        import pytest
        import jdaviz.core.loaders
        from glue_mast.jdaviz import spectrum_parsers

        assert spectrum_parsers.install()
        status = pytest.main({HOST_TESTS!r} + [
            "--pyargs", "-m", "not remote_data", "-q", "-p", "no:cacheprovider",
            "-W", "ignore", "-o", "addopts=",
        ])
        assert spectrum_parsers.installed()
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
    assert re.search(r"\d+ passed", last) and "failed" not in last, last
