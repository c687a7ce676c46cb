"""The committed terraform input must be the topology as the code declares it."""

import json
from pathlib import Path

from shared.topology import STAGES, export_json
from tools.topology_export import DEFAULT_PATH, write


def test_committed_topology_json_matches_the_code_declaration():
    committed = DEFAULT_PATH.read_text(encoding="utf-8")
    assert committed == export_json(), "terraform/topology.json is stale: run `python -m tools.topology_export`"


def test_export_writes_every_stage_to_the_given_path(tmp_path: Path):
    written = write(tmp_path / "topology.json")

    stages = json.loads(written.read_text(encoding="utf-8"))["stages"]
    assert sorted(stages) == sorted(s.name for s in STAGES)
