"""A process that starts the app does not import scikit-learn (~0.8 s of CPU in every web
worker, job worker, CLI command and test process): only training a screening model does."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_starting_the_app_leaves_scikit_learn_unimported():
    code = ("import sys; from app import create_app; from config import TestConfig; "
            "create_app(TestConfig); "
            "print(sorted(m for m in ('sklearn', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
