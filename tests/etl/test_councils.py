"""Several councils side by side in one warehouse (a regional alliance): each has its own
figures and its own configuration, found by its code; the only loaded LA is the default."""
from __future__ import annotations

import json

import pytest

from etl.cli import main
from tests.builders import ExtractBuilder, small_extract

P = "2025-03-31"


def indicators(capsys, *args) -> dict[str, dict]:
    capsys.readouterr()
    assert main(["indicators", "--format", "json", *args]) == 0
    result = json.loads(capsys.readouterr().out)
    return result, {r["id"]: r for r in result["indicators"]}


@pytest.fixture
def alliance(data_dir, tmp_path, monkeypatch):
    """Two councils: the sample's (configured by CPD_LA_CONFIG) with three children, and
    Bolton (E08000001, configured by a la.toml in CPD_LA_CONFIG_DIR) with one."""
    configs = tmp_path / "la"
    configs.mkdir()
    (configs / "bolton.toml").write_text(
        '[la]\nname = "Bolton test council"\ncode = "E08000001"\n\n'
        '[population]\n2024 = 10000\n\n[targets.family_based_placements]\ntarget = 50\n'
        'tolerance = 1\n', encoding="utf-8")
    monkeypatch.setenv("CPD_LA_CONFIG_DIR", str(configs))
    assert main(["load", str(small_extract().write(tmp_path / "a")), "--period-end", P]) == 0
    other = ExtractBuilder()
    other.child("Z9", dob="01/01/2015")
    other.episode("Z9", "01/01/2025", place="K2", PLACE_PROVIDER="PR4")
    assert main(["load", str(other.write(tmp_path / "b")), "--period-end", P,
                 "--la", "e08000001"]) == 0


def test_each_council_has_its_own_figures_and_configuration(alliance, capsys):
    sample, figures = indicators(capsys, "--la", "E06000015")
    assert (sample["la_name"], figures["cla_at_period_end"]["value"]) == (
        "Synthetic Unitary Council", 2)
    bolton, figures = indicators(capsys, "--la", "E08000001")
    assert (bolton["la_code"], bolton["la_name"]) == ("E08000001", "Bolton test council")
    assert figures["cla_at_period_end"]["value"] == 1
    # Bolton's own population and target; England benchmarks as shipped
    assert figures["cla_rate_per_10k"]["value"] == 1.0
    assert figures["family_based_placements"]["target"] == 50
    assert figures["placement_stability_long"]["benchmarks"]["england"]["value"] == 69


def test_with_several_councils_loaded_a_reading_command_asks_which(alliance, capsys):
    capsys.readouterr()
    assert main(["indicators"]) == 2
    err = capsys.readouterr().err
    assert "2 LAs are loaded" in err and "E08000001 Bolton test council" in err
    assert "--la" in err and "Traceback" not in err
    assert main(["indicators", "--la", "E09000001"]) == 2
    assert "nothing is loaded for E09000001" in capsys.readouterr().err
    assert main(["indicators", "--la", "Bolton"]) == 2
    assert "not an upper-tier LA's ONS code" in capsys.readouterr().err
    capsys.readouterr()
    assert main(["loads", "--la", "E08000001", "--format", "json"]) == 0
    loads = json.loads(capsys.readouterr().out)["loads"]
    assert [entry["la_code"] for entry in loads] == ["E08000001"]


def test_the_only_council_loaded_is_the_default_and_needs_no_configuration(
        data_dir, tmp_path, capsys):
    assert main(["load", str(small_extract().write(tmp_path / "a")), "--period-end", P,
                 "--la", "E08000003"]) == 0
    result, figures = indicators(capsys)
    # no la.toml of its own: its ONS name, the shipped England benchmarks, default targets
    assert (result["la_code"], result["la_name"]) == ("E08000003", "Manchester")
    assert figures["cla_rate_per_10k"]["value"] is None
    assert "no 0-17 population" in figures["cla_rate_per_10k"]["note"]
    assert figures["health_assessment"]["benchmarks"]["england"]["value"] == 89
