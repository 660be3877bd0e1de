"""The download folder field: a folder under the home directory is shown and read as ``~/``."""

from glue_mast.qt.dialog import shown_path

from .test_dialog import obs_row


def test_a_folder_typed_with_a_tilde_is_the_home_directorys(dialog, person, monkeypatch,
                                                              tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    d = dialog
    person.type_into(d.download_dir, "~/mast_here")
    person.search(d, "TW Hya", "0.1 deg")
    person.click_rows(d.results.table, [obs_row(d, "swp54419")])
    person.settle(d)
    person.click(d.load_button)
    person.settle(d)
    assert d.load_error.isHidden(), d.load_error.text()
    assert (home / "mast_here" / "manifest.json").is_file()
    assert not (tmp_path / "~").exists() and not any(home.glob("~*"))


def test_a_path_under_home_is_shown_with_a_tilde(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert shown_path(tmp_path / "mast_data") == "~/mast_data"
    assert shown_path("/elsewhere/mast_data") == "/elsewhere/mast_data"
