"""The Indonesian catalogue is complete: every message in the source has a translation."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "portal" / "translations" / "id" / "LC_MESSAGES" / "messages.po"


def test_every_message_in_the_source_is_translated(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "--ignore-dirs", ".*", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as template, PO.open("rb") as translated:
        extracted = [m for m in read_po(template) if m.id]
        wanted = {m.id for m in extracted}
        catalogue = {m.id: m for m in read_po(translated, locale="id") if m.id}
    missing = sorted(wanted - set(catalogue))
    untranslated = sorted(i for i in wanted & set(catalogue) if not catalogue[i].string or catalogue[i].fuzzy)
    assert not missing, f"run `make extract-messages` and translate: {missing}"
    assert not untranslated, f"translate: {untranslated}"

    # pybabel skips folders starting with "_" unless told otherwise: templates/_macros went untranslated once.
    scanned = {Path(path).parent for m in extracted for path, _line in m.locations}
    with_messages = {p.parent.relative_to(ROOT) for p in (ROOT / "templates").rglob("*.html") if "_(" in p.read_text()}
    assert with_messages <= scanned, f"never scanned for messages: {sorted(map(str, with_messages - scanned))}"
