"""The README's two commands stay true: CI runs exactly the README's test command."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands():
    text = (ROOT / "README.md").read_text()
    blocks = text.split("```bash\n")[1:3]
    return [block.split("\n```")[0].strip() for block in blocks]


def test_readme_starts_with_two_commands():
    text = (ROOT / "README.md").read_text()
    head = text.split("```bash")[0]
    assert head.strip() == "# gradviz", "the README must open with the two commands"
    install_and_launch, install_and_test = _readme_commands()
    assert "pip install" in install_and_launch and "main.py" in install_and_launch
    assert "pip install" in install_and_test and "pytest" in install_and_test


def test_ci_runs_the_readme_test_command():
    _, install_and_test = _readme_commands()
    ci = (ROOT / ".ci" / "run").read_text()
    as_ci_writes_it = install_and_test.replace("python3", "$PYTHON").replace("pip install", "pip install -q")
    assert as_ci_writes_it in ci
