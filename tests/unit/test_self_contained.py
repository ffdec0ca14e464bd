"""The collection is self-contained: no tracked file points at sources outside the repository.

Rules, names and decisions are in docs/specification.md and docs/decisions.md; a reference to a
document that ships elsewhere (or to a task tracker, or to one machine's paths) is dead for every
user of the collection.
"""

import pathlib
import re
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
THIS_FILE = pathlib.Path(__file__).resolve().relative_to(REPO).as_posix()

# The names of the development-time sources the repository must not cite (docs/specification.md is
# the project's own specification). They are assembled from parts so that this guard, the one file
# that has to know them, does not itself read as a reference to them.
OLD_SPEC, VENDOR_NOTES, SPEC_FOLDER = "conventions" + ".md", "fusion-docs" + "-facts", "shared" + "/spec"
OUTSIDE_REFERENCES = {
    "the old specification file": re.compile(re.escape(OLD_SPEC), re.IGNORECASE),
    "the vendor-documentation notes": re.compile(re.escape(VENDOR_NOTES), re.IGNORECASE),
    "the shared specification folder": re.compile(re.escape(SPEC_FOLDER), re.IGNORECASE),
    "a brief": re.compile(r"\bthe brief\b", re.IGNORECASE),
    "an absolute /work/ path": re.compile(r"(?<![\w.~-])/work/"),
    "an issue number": re.compile(r"\bissues? #?[0-9]+", re.IGNORECASE),
}


@pytest.fixture(name="tracked_texts", scope="module")
def fixture_tracked_texts():
    """Path -> text of every file git tracks in this checkout (this test file left out)."""
    try:
        listing = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z"], check=True, capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: nothing tracked to walk")
    texts = {}
    for name in listing.decode("utf-8").split("\0"):
        path = REPO / name
        if not name or name == THIS_FILE or not path.is_file():
            continue
        texts[name] = path.read_bytes().decode("utf-8", errors="replace")
    return texts


def offending_lines(texts, pattern):
    return ["%s:%d: %s" % (name, number, line.strip())
            for name, text in sorted(texts.items())
            for number, line in enumerate(text.splitlines(), start=1)
            if pattern.search(line)]


def test_the_walk_sees_the_tracked_files(tracked_texts):
    assert {"galaxy.yml", "docs/specification.md", "plugins/module_utils/_naming.py"} <= set(tracked_texts)


@pytest.mark.parametrize("what", sorted(OUTSIDE_REFERENCES))
def test_no_tracked_file_refers_outside_the_repository(tracked_texts, what):
    found = offending_lines(tracked_texts, OUTSIDE_REFERENCES[what])
    assert not found, "%s mentioned (point at docs/specification.md instead):\n%s" % (what, "\n".join(found))


@pytest.mark.parametrize("what, line", [
    ("the old specification file", "(%s section 4)" % OLD_SPEC),
    ("the vendor-documentation notes", "see %s for the pages" % VENDOR_NOTES),
    ("the shared specification folder", "read ../%s first" % SPEC_FOLDER),
    ("a brief", "where The Brief is silent"),
    ("an absolute /work/ path", "`/work/main/docs` holds it"),
    ("an issue number", "Shared infrastructure (issue 4)"),
    ("an issue number", "with everything of issues 2-4 in"),
    ("an issue number", "fixed in Issue #12"),
])
def test_each_outside_reference_is_recognised(what, line):
    assert OUTSIDE_REFERENCES[what].search(line)


@pytest.mark.parametrize("line", [
    "docs/specification.md section 4",
    "the fusion.pos convention",
    "tests/integration/test_build.py writes to a tmp path",
    "~/work/notes and ./work/ are relative",
    "no issues found",
])
def test_inside_references_pass(line):
    assert not any(pattern.search(line) for pattern in OUTSIDE_REFERENCES.values())
