"""scripts/load_test.py only ever loads this machine, within its bounds."""
import subprocess
import sys

import pytest


@pytest.mark.parametrize("args, message", [
    (["--base-url", "http://example.com:5000"], "loopback"),
    (["--duration", "3600"], "--duration up to 600 s"),
    (["--users", "0"], "--users 1-200"),
])
def test_the_load_script_refuses_other_hosts_and_unbounded_runs(args, message):
    run = subprocess.run([sys.executable, "scripts/load_test.py", *args], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and message in run.stderr, run.stderr
