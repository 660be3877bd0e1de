"""The shared state machinery: dispatch to the front end's thread, identity properties."""

import asyncio
import threading

import pytest
from astropy.table import Table

from glue_mast.errors import InputError, ServerError
from glue_mast.state import SearchState, asyncio_dispatch
from glue_mast.state.base import JobState, ObjectProperty, one_line


class Holder(JobState):
    table = ObjectProperty(None)


def test_a_table_property_notifies_on_a_new_object_only():
    holder = Holder()
    seen, seen_globally = [], []
    holder.add_callback("table", seen.append)
    holder.add_global_callback(lambda **kw: seen_globally.append(kw))
    first = Table({"a": [1, 2, 3]})
    holder.table = first
    holder.table = first
    holder.table = Table({"a": [1, 2, 3]})  # equal rows, another object: a change
    holder.table = None
    assert [t is first for t in seen] == [True, False, False]
    assert seen[2] is None and len(seen_globally) == 3


def test_one_line():
    assert one_line(InputError("radius 'x' is not an angle")) == "radius 'x' is not an angle"
    assert one_line(ServerError("MAST answered\nHTTP 503")) == "MAST answered HTTP 503"
    assert one_line(KeyError("obsid")) == "unexpected error (KeyError): 'obsid'"


def test_asyncio_dispatch_lands_results_on_the_loops_thread(local_mast):
    loop = asyncio.new_event_loop()
    try:
        state = SearchState(dispatch=asyncio_dispatch(loop), obs_collection="SYNTHETIC")
        threads = set()
        state.add_callback("rows", lambda rows: threads.add(threading.current_thread()))

        async def until_settled():
            state.search()
            while state.busy or state.rows is None:
                await asyncio.sleep(0.01)

        loop.run_until_complete(asyncio.wait_for(until_settled(), 20))
    finally:
        loop.close()
    assert state.count == 100_000 and len(state.rows) == 50
    assert threads == {threading.main_thread()}


def test_field_on_input_errors():
    assert InputError("x").field is None
    assert InputError("x", field="radius").field == "radius"
    with pytest.raises(ValueError):  # still a ValueError, as before
        raise InputError("x", field="radius")


def test_the_state_imports_no_gui_toolkit():
    import subprocess
    import sys

    code = (
        "import sys, glue_mast.state; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'PySide6', 'PyQt5', 'PyQt6', 'qtpy', 'ipyvuetify', 'ipywidgets', 'jdaviz'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_inputs_and_outputs_are_callback_properties():
    from glue_mast.state import ProductState

    from echo import CallbackProperty

    for cls in (SearchState, ProductState):
        for name in (*cls.INPUTS, *cls.OUTPUTS, "busy", "error", "error_field"):
            assert isinstance(getattr(cls, name), CallbackProperty), (cls.__name__, name)
