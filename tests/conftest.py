import pytest


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A private CPD_DATA_DIR: every test gets its own warehouse."""
    folder = tmp_path / "data"
    monkeypatch.setenv("CPD_DATA_DIR", str(folder))
    return folder
