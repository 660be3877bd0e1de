"""Opening the dialog shows no warning in glue's Error Console: lightkurve's oktopus warning.

lightkurve warns at import that its PRF model needs oktopus. The dialog imports lightkurve in
a worker thread as it opens (so that the first light curve loads at once); glue-qt shows
every warning shown in the process in its Error Console, which turns red. glue-mast ignores
exactly that warning, and no other one.
"""

import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("lightkurve")

# Each run in a new interpreter: lightkurve must be imported for the first time.
SCRIPT = textwrap.dedent(
    """
    import warnings

    shown = []
    warnings.showwarning = lambda message, category, *a, **k: shown.append(str(message))

    from glue_mast.jobs import Job
    from glue_mast.qt.dialog import _warm_imports

    job = Job(_warm_imports, name="import readers")
    job.result(timeout=120)
    import lightkurve  # imported by now

    # Other warnings, even from lightkurve's PRF module, are still shown.
    warnings.warn_explicit("another warning", UserWarning, "prf.py", 1, module="lightkurve.prf")
    warnings.warn("a warning of glue-mast's own", UserWarning)
    for line in shown:
        print("WARNING:", line)
    """
)


def test_the_dialogs_first_imports_show_no_oktopus_warning_and_hide_no_other(tmp_path):
    env = dict(os.environ, PYTHONWARNINGS="default", QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    shown = [line for line in done.stdout.splitlines() if line.startswith("WARNING:")]
    assert not [line for line in shown if "oktopus" in line], shown
    assert "WARNING: another warning" in shown
    assert "WARNING: a warning of glue-mast's own" in shown
