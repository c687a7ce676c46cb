"""Writes the topology (`shared.topology.export_json`) to terraform/topology.json, terraform's one input about stages.

A unit test fails when the committed file differs from the export, so run this after changing `STAGES`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from shared.topology import export_json

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "terraform" / "topology.json"


def write(path: Path = DEFAULT_PATH) -> Path:
    path.write_text(export_json(), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH, help="where to write the JSON")
    write(parser.parse_args().out)


if __name__ == "__main__":
    main()
