"""Load, validate and hash the pipeline configuration (config/pipeline.yaml).

Every section is a frozen dataclass; unknown keys, wrong types and out-of-range values raise
ConfigError naming the file, the key and what was expected, before any work is done.
"""

from __future__ import annotations

import contextvars
import dataclasses
import hashlib
import json
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex
import yaml

from pipeline.steps import (
    dates,
    language,
    load,
    repair,
    repeats,
    scripts,
    segment_html,
    segment_text,
)
from pipeline.steps import signature as signature_step


class ConfigError(ValueError):
    """A configuration problem: names the file, the key and what was expected."""


# When set (by config_problems), each problem is appended here and validation goes on with the
# option's default, so that every problem is reported at once; otherwise the first one raises.
_PROBLEMS: contextvars.ContextVar[list[ConfigError] | None] = contextvars.ContextVar(
    "config_problems", default=None
)


def _problem(exc: ConfigError) -> None:
    """Raise `exc`, or record it when every problem is being collected."""
    found = _PROBLEMS.get()
    if found is None:
        raise exc
    found.append(exc)


@dataclass(frozen=True)
class DiscoverConfig:
    # file names (globs) under raw/ that are documentation, not input, e.g. raw/README.md
    ignore: tuple[str, ...] = ("README.md", "README", ".*")
    # number of shards the inputs are split into (one Luigi task each)
    shards: int = field(default=4, metadata={"min": 1, "max": 4096})


@dataclass(frozen=True)
class DedupConfig:
    # verified Jaccard similarity of word shingles at or above which a document is a near duplicate
    threshold: float = field(default=0.8, metadata={"min": 0.0, "max": 1.0})
    # LSH bands over the signature (rows per band = signature.num_perm / bands)
    bands: int = field(default=16, metadata={"min": 1, "max": 1024})


@dataclass(frozen=True)
class RunnerConfig:
    # a shard fails when more than this share of its documents hit an unexpected error
    max_error_rate: float = field(default=0.2, metadata={"min": 0.0, "max": 1.0})
    # ... and at least this many did (a single error in a tiny shard does not fail it)
    min_errors_to_fail: int = field(default=3, metadata={"min": 1})
    # a document still being processed after this many seconds is stopped and rejected as
    # timeout (documents take milliseconds; this stops one that would hang its shard)
    max_seconds_per_document: float = field(default=60.0, metadata={"min": 0.01, "max": 86400})


@dataclass(frozen=True)
class OutputConfig:
    # also write documents/duplicates/rejected.parquet beside the JSONL files (needs pyarrow)
    parquet: bool = False


@dataclass(frozen=True)
class PipelineConfig:
    discover: DiscoverConfig = DiscoverConfig()
    load: load.Config = load.Config()
    repair: repair.Config = repair.Config()
    segment_html: segment_html.Config = segment_html.Config()
    segment_text: segment_text.Config = segment_text.Config()
    repeats: repeats.Config = repeats.Config()
    scripts: scripts.Config = scripts.Config()
    language: language.Config = language.Config()
    dates: dates.Config = dates.Config()
    signature: signature_step.Config = signature_step.Config()
    dedup: DedupConfig = DedupConfig()
    runner: RunnerConfig = RunnerConfig()
    output: OutputConfig = OutputConfig()


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", str(tp)).replace("NoneType", "null")


def _convert(value: Any, tp: Any, key: str, fname: str) -> Any:
    """Check `value` against the annotation `tp`, converting lists to tuples."""
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        return _build(tp, value, key, fname)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(tp)
        if value is None and type(None) in options:
            return None
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                return _convert(value, option, key, fname)
            except ConfigError as exc:
                errors.append(str(exc))
        raise ConfigError(
            f"{fname}: key '{key}' must be one of {' | '.join(_type_name(o) for o in options)}, "
            f"got {value!r}"
        )
    if origin is typing.Literal:
        allowed = typing.get_args(tp)
        if value not in allowed:
            raise ConfigError(f"{fname}: key '{key}' must be one of {list(allowed)}, got {value!r}")
        return value
    if origin is tuple:
        (item_tp, _ellipsis) = typing.get_args(tp)
        if not isinstance(value, list):
            raise ConfigError(f"{fname}: key '{key}' must be a list, got {value!r}")
        return tuple(_convert(v, item_tp, f"{key}[{i}]", fname) for i, v in enumerate(value))
    if origin is dict:
        key_tp, val_tp = typing.get_args(tp)
        if not isinstance(value, dict):
            raise ConfigError(f"{fname}: key '{key}' must be a mapping, got {value!r}")
        return {
            _convert(k, key_tp, key, fname): _convert(v, val_tp, f"{key}.{k}", fname)
            for k, v in value.items()
        }
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{fname}: key '{key}' must be true or false, got {value!r}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{fname}: key '{key}' must be an integer, got {value!r}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{fname}: key '{key}' must be a number, got {value!r}")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{fname}: key '{key}' must be a string, got {value!r}")
        return value
    raise ConfigError(f"{fname}: key '{key}' has an unsupported type {tp!r}")  # pragma: no cover


def _build(cls: Any, data: Any, prefix: str, fname: str) -> Any:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{fname}: key '{prefix or '<top>'}' must be a mapping, got {data!r}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    for name in unknown:
        where = f"{prefix}.{name}" if prefix else name
        _problem(
            ConfigError(
                f"{fname}: key '{where}' is not a known option; expected one of {sorted(fields)}"
            )
        )
    values = {}
    for name, value in data.items():
        if name in unknown:
            continue
        key = f"{prefix}.{name}" if prefix else name
        try:
            converted = _convert(value, hints[name], key, fname)
        except ConfigError as exc:
            _problem(exc)
            continue
        meta = fields[name].metadata
        if "min" in meta and converted < meta["min"]:
            _problem(ConfigError(f"{fname}: key '{key}' must be >= {meta['min']}, got {value!r}"))
            continue
        if "max" in meta and converted > meta["max"]:
            _problem(ConfigError(f"{fname}: key '{key}' must be <= {meta['max']}, got {value!r}"))
            continue
        values[name] = converted
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{fname}: section '{prefix or '<top>'}': {exc}") from exc


def parse_config(data: Any, fname: str = "<config>") -> PipelineConfig:
    """Validate an already-parsed mapping into a PipelineConfig."""
    cfg: PipelineConfig = _build(PipelineConfig, data, "", fname)
    if cfg.output.parquet:
        from pipeline.parquet_out import available

        if not available():
            _problem(
                ConfigError(
                    f"{fname}: key 'output.parquet' is true, which needs the pyarrow package: "
                    "pip install 'clean-pipeline[parquet]'"
                )
            )
    if cfg.signature.num_perm % cfg.dedup.bands:
        raise ConfigError(
            f"{fname}: key 'dedup.bands' must divide signature.num_perm "
            f"({cfg.signature.num_perm}), "
            f"got {cfg.dedup.bands}"
        )
    return cfg


def load_config(path: str | Path) -> PipelineConfig:
    """Read and validate a YAML config file; rule files it names are resolved beside it."""
    path = Path(path)
    fname = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{fname}: cannot read the config file ({exc.strerror})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{fname}: not valid YAML: {exc}") from exc
    data = data or {}
    if not isinstance(data, dict):
        raise ConfigError(f"{fname}: the top level must be a mapping of sections")
    cfg = parse_config(data, fname)
    rules_path = path.parent / cfg.segment_text.rules_file
    try:
        rules_data = segment_text.load_rules(rules_path)
    except OSError as exc:
        raise ConfigError(
            f"{fname}: key 'segment_text.rules_file' names {rules_path}, which cannot be read "
            f"({exc.strerror})"
        ) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{rules_path}: not valid YAML: {exc}") from exc
    rules = _build(segment_text.Rules, rules_data, "", str(rules_path))
    for i, rule in enumerate(rules.rules):
        try:
            segment_text.compile_rule(rule)
        except regex.error as exc:
            _problem(
                ConfigError(
                    f"{rules_path}: key 'rules[{i}].pattern' ({rule.name}) must be a valid "
                    f"regular expression: {exc}"
                )
            )
    # The HTML path cleans trafilatura's output with the same line rules as the text path.
    return dataclasses.replace(
        cfg,
        segment_text=dataclasses.replace(cfg.segment_text, rules=rules),
        segment_html=dataclasses.replace(cfg.segment_html, rules=rules),
    )


def config_problems(path: str | Path) -> list[ConfigError]:
    """Every problem of a config file (and of the rules file it names), not only the first:
    each names the file, the key and what was expected. Empty when the file is valid."""
    found: list[ConfigError] = []
    token = _PROBLEMS.set(found)
    try:
        load_config(path)
    except ConfigError as exc:  # a problem validation cannot go past (unreadable, not YAML)
        found.append(exc)
    finally:
        _PROBLEMS.reset(token)
    return found


def as_dict(cfg: PipelineConfig) -> dict[str, Any]:
    """The resolved configuration as plain JSON-able data."""
    return json.loads(json.dumps(dataclasses.asdict(cfg), default=list))


def config_sha256(cfg: PipelineConfig) -> str:
    """Hash of the canonical JSON form of the resolved configuration."""
    canonical = json.dumps(as_dict(cfg), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
