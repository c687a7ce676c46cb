"""terraform fmt and validate, offline, for every root under terraform/.

Validating a root validates every module it calls, and the roots call all of them (dev and prod
through modules/stack, emulator through messaging and storage): one init per root, not per module.
"""

from pathlib import Path

import pytest

from tests.infra.terraform_offline import ROOTS, TERRAFORM_DIR, init, require_offline_terraform, terraform

pytestmark = pytest.mark.slow


def test_terraform_files_are_formatted(tmp_path: Path):
    require_offline_terraform()

    done = terraform(TERRAFORM_DIR, "fmt", "-check", "-recursive", "-diff", "-no-color", data_dir=tmp_path)

    assert done.returncode == 0, f"run `terraform fmt -recursive terraform`:\n{done.stdout}"


@pytest.mark.parametrize("config", ROOTS)
def test_configuration_validates_offline(config: str, tmp_path: Path):
    require_offline_terraform()
    chdir = TERRAFORM_DIR / config
    init(chdir, tmp_path)

    done = terraform(chdir, "validate", "-no-color", data_dir=tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
