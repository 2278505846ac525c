"""Configuration: validated once, unknown keys and bad values refused with file and key."""

from __future__ import annotations

import pytest

from conftest import ROOT
from pipeline.config import ConfigError, config_sha256, load_config, parse_config


def write(tmp_path, text: str, rules: str | None = None):
    (tmp_path / "boilerplate.yaml").write_text(
        rules if rules is not None else (ROOT / "config" / "boilerplate.yaml").read_text()
    )
    path = tmp_path / "pipeline.yaml"
    path.write_text(text)
    return path


def test_the_shipped_config_is_the_defaults_plus_rules(cfg):
    assert cfg.dedup.threshold == 0.8
    assert cfg.repair.uncurl_quotes is False
    assert len(cfg.segment_text.rules.rules) > 5


def test_the_hash_is_stable_and_follows_the_content(tmp_path, cfg):
    assert config_sha256(cfg) == config_sha256(load_config(ROOT / "config" / "pipeline.yaml"))
    changed = load_config(write(tmp_path, "dedup:\n  threshold: 0.9\n"))
    assert config_sha256(changed) != config_sha256(cfg)


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("dedup:\n  treshold: 0.9\n", "key 'dedup.treshold' is not a known option"),
        ("dedupe:\n  threshold: 0.9\n", "key 'dedupe' is not a known option"),
        ("dedup:\n  threshold: high\n", "key 'dedup.threshold' must be a number"),
        ("dedup:\n  threshold: 1.5\n", "key 'dedup.threshold' must be <= 1.0"),
        ("discover:\n  shards: 0\n", "key 'discover.shards' must be >= 1"),
        ("discover:\n  shards: 2.5\n", "key 'discover.shards' must be an integer"),
        ("repair:\n  uncurl_quotes: 'no'\n", "key 'repair.uncurl_quotes' must be true or false"),
        ("repair:\n  normalization: NFD\n", "key 'repair.normalization' must be one of"),
        ("discover:\n  ignore: README.md\n", "key 'discover.ignore' must be a list"),
        ("dedup: [1, 2]\n", "key 'dedup' must be a mapping"),
        ("dedup:\n  bands: 7\n", "key 'dedup.bands' must divide signature.num_perm"),
        ("dedup: {threshold: 0.9\n", "not valid YAML"),
        ("segment_text:\n  rules_file: nowhere.yaml\n", "key 'segment_text.rules_file'"),
    ],
)
def test_bad_values_name_the_file_and_the_key(tmp_path, yaml_text, message):
    path = write(tmp_path, yaml_text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_a_broken_rule_names_the_rules_file_and_the_rule(tmp_path):
    rules = "rules:\n  - {name: bad, label: chrome, pattern: '(unclosed'}\n"
    path = write(tmp_path, "", rules=rules)
    with pytest.raises(ConfigError, match=r"boilerplate.yaml: key 'rules\[0\].pattern' \(bad\)"):
        load_config(path)


def test_an_unknown_key_in_a_rule_is_refused(tmp_path):
    rules = "rules:\n  - {name: x, label: chrome, pattern: 'x', zones: any}\n"
    with pytest.raises(ConfigError, match=r"key .rules\[0\]\.zones. is not a known option"):
        load_config(write(tmp_path, "", rules=rules))


def test_parse_config_fills_defaults():
    assert parse_config({}).discover.shards == 4
