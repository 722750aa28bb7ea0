"""The flow is one-way: no module of training/ imports (even lazily, inside a function) a module that
imports it back, and the site build never reaches TensorFlow's side."""
import ast
import re
import subprocess

from helpers import ROOT


def imports_of(path):
    """The training.* modules a file imports, wherever in the file the import stands."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("training"):
            if node.module == "training":
                found |= {f"training.{alias.name}" for alias in node.names}
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("training.")}
    return found


def graph():
    return {f"training.{p.stem}": imports_of(p) for p in sorted((ROOT / "training").glob("*.py")) if p.stem != "__init__"}


def test_training_has_no_import_circle():
    edges = graph()
    state = {}

    def visit(module, path):
        if state.get(module) == "open":
            raise AssertionError(" -> ".join(path + [module]))
        if state.get(module) == "done":
            return
        state[module] = "open"
        for target in edges.get(module, ()):
            visit(target, path + [module])
        state[module] = "done"

    for module in edges:
        visit(module, [])


def test_the_build_imports_only_standard_library_modules_of_training():
    reached = set().union(*(imports_of(ROOT / name) for name in (
        "build.py", "model_folder.py", "model_json.py", "plain_files.py", "serve.py")))
    edges = graph()
    todo = list(reached)
    while todo:
        for target in edges.get(todo.pop(), ()):
            if target not in reached:
                reached.add(target)
                todo.append(target)
    assert reached == {"training.meta", "training.folders"}


# The page's scripts (web/static/js) by role: the entry point and shared leaves at the top, then
# runtime/ (the worker, the model interpreter, backends, weights), explorer/ (the explorer and what
# sits beside it) and figures/ (the sections below it). Each may import only what MAY_IMPORT names.
PAGE = ROOT / "web" / "static" / "js"
PAGE_FOLDERS = {"runtime", "explorer", "figures"}
PAGE_TOP = {"main.js", "boot.js", "contract.js", "dom.js"}
MAY_IMPORT = {
    "runtime": {"runtime", "contract.js"},
    "explorer": {"runtime", "explorer", "contract.js", "dom.js"},
    "figures": {"figures", "contract.js", "dom.js"},
    "dom.js": set(), "contract.js": set(), "boot.js": set(),
    "main.js": PAGE_FOLDERS | {"contract.js", "dom.js"},
}
JS_IMPORT = re.compile(r"""(?:\bfrom|\bimport)\s*\(?\s*['"](\.\.?/[^'"]+)['"]""")
MAX_LINES = 300
LONGER_FOR_NOW = {"tests/test_build.py"}  # to be split (issue 34): each must still be over, or leave here
HEADER_LINES, BLOCK_LINES = 8, 3
HASH_LIKE = re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}\b")


def page_part(path):
    """The folder (or top-level module) of web/static/js that a file belongs to."""
    rel = path.relative_to(PAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.name


def js_imports(path):
    """The files of web/static/js that a script imports, statically or dynamically."""
    found = set()
    for spec in JS_IMPORT.findall(path.read_text()):
        target = (path.parent / spec).resolve()
        if target.is_relative_to(PAGE):  # (the vendor files are loaded by URL from the built site)
            found.add(target)
    return found


def tracked(*patterns):
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", *patterns],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return [ROOT / name for name in out if (ROOT / name).is_file()]


def test_the_page_has_its_folders_and_nothing_loose():
    assert {p.name for p in PAGE.iterdir() if p.is_dir()} == PAGE_FOLDERS
    assert {p.name for p in PAGE.glob("*.js")} == PAGE_TOP


def test_each_page_folder_imports_only_what_it_may():
    wrong = []
    for path in sorted(PAGE.rglob("*.js")):
        allowed = MAY_IMPORT.get(page_part(path), set())
        wrong += [f"{path.relative_to(PAGE)} imports {t.relative_to(PAGE)}" for t in js_imports(path)
                  if page_part(t) not in allowed or not t.exists()]
    assert not wrong, wrong


def test_files_stay_short():
    long = {str(p.relative_to(ROOT)): n for p in tracked("*.py", "*.js", "*.mjs")
            if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert set(long) - LONGER_FOR_NOW == set(), long
    assert LONGER_FOR_NOW <= set(long), f"{LONGER_FOR_NOW - set(long)} is short now: drop it from LONGER_FOR_NOW"


def comment_blocks(lines, mark):
    """(first line's index, length) of each run of lines that are comments only."""
    blocks, start = [], None
    for i, line in enumerate([*lines, ""]):
        is_comment = line.strip().startswith(mark) and not line.startswith("#!")
        if is_comment and start is None:
            start = i
        elif not is_comment and start is not None:
            blocks.append((start, i - start))
            start = None
    return blocks


def test_page_comments_are_short_and_carry_no_commit_hashes():
    wrong = []
    for path in tracked("web/*.js", "web/*.mjs", "tests/node/*.mjs"):
        lines = path.read_text().splitlines()
        for start, length in comment_blocks(lines, "//"):
            limit = HEADER_LINES if start == 0 else BLOCK_LINES
            if length > limit:
                wrong.append(f"{path.relative_to(ROOT)}:{start + 1}: a comment of {length} lines (at most {limit})")
        wrong += [f"{path.relative_to(ROOT)}:{i + 1}: {m}" for i, line in enumerate(lines) if "//" in line
                  for m in HASH_LIKE.findall(line[line.index("//"):])]
    assert not wrong, wrong


def test_no_commit_hashes_in_python_comments():
    wrong = [f"{path.relative_to(ROOT)}:{i + 1}: {m}" for path in tracked("*.py")
             for i, line in enumerate(path.read_text().splitlines()) if "#" in line
             for m in HASH_LIKE.findall(line[line.index("#"):])]
    assert not wrong, wrong
