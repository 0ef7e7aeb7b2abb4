"""Reading grades, as editors and reviewers see them next to each version."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A fresh process with every network connection refused, as on a server
# without internet access: the first grade is where textstat loads its
# pronunciation dictionary.
OFFLINE_GRADE = """
import socket
import django

def refuse(*args, **kwargs):
    raise OSError("no network here")

socket.socket.connect = refuse
socket.create_connection = refuse
django.setup()

from types import SimpleNamespace
from articles.text.readability import readability_report

body = "Bortezomib can damage the nerves that carry feeling from the hands and feet. " * 5
professional = readability_report(SimpleNamespace(text_for=lambda level: ("", body, True)), 8)[0]
print(professional.grade)
"""


def test_reading_grades_need_no_network(tmp_path):
    # textstat 0.7.9 and later download NLTK's dictionary on first use.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "true",
        "HOME": str(tmp_path),  # no dictionary downloaded earlier
        "NLTK_DATA": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", OFFLINE_GRADE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert 2 < float(result.stdout) < 15  # a grade, not None
