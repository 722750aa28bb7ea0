"""The flow is one-way: no module of training/ imports (even lazily, inside a function) a module that
imports it back, and the site build never reaches TensorFlow's side."""
import ast
import io
import re
import subprocess
import tokenize

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


def module_name(path):
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def graph():
    return {module_name(p): imports_of(p) for p in sorted((ROOT / "training").rglob("*.py")) if p.stem != "__init__"}


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
    assert reached == BORROWED


# The folders of training/ by role (docs/ARCHITECTURE.md, "Folders"): the commands at the top, one module each,
# so every documented `python -m training.NAME` is training/NAME.py; what they share in the folder of its role.
FOLDERS = {"pipeline", "export", "measure"}
COMMANDS = {"baselines", "compression", "contract", "convert", "encoding", "legibility", "neighbours", "reader", "realism",
            "realism_table", "report", "style_row", "train", "tune", "watched"}
# standard library only: the site build borrows them
BORROWED = {"training.cli", "training.contract", "training.folders"}
MAY_IMPORT = {"pipeline": {"pipeline"}, "export": {"pipeline", "export"}, "measure": {"pipeline", "export", "measure"}}
SITE_BUILD = ("build.py", "model_folder.py", "model_json.py", "plain_files.py", "serve.py")


def code_files():
    """The Python of training/, the site build and the benchmark."""
    return sorted((ROOT / "training").rglob("*.py")) + [ROOT / name for name in SITE_BUILD] + sorted(
        (ROOT / "bench").glob("*.py"))


def test_training_holds_the_commands_the_contract_and_the_folders_by_role():
    assert {p.name for p in (ROOT / "training").iterdir() if p.is_dir() and p.name != "__pycache__"} == FOLDERS
    top = {p.stem for p in (ROOT / "training").glob("*.py")} - {"__init__"}
    assert top == COMMANDS | {"cli", "folders"}
    for name in COMMANDS:
        assert 'if __name__ == "__main__":' in (ROOT / "training" / f"{name}.py").read_text(), name


def test_the_folders_import_one_way_and_never_a_command():
    for module, targets in graph().items():
        parts = module.split(".")
        if len(parts) == 3:
            allowed = {f"training.{folder}" for folder in MAY_IMPORT[parts[1]]}
            wrong = {t for t in targets if t not in BORROWED and ".".join(t.split(".")[:2]) not in allowed}
            assert not wrong, f"{module} imports {sorted(wrong)}"


def test_every_python_file_is_at_most_300_lines():
    long = {str(p.relative_to(ROOT)): n for p in sorted(ROOT.glob("**/*.py"))
            if not {".venv", "node_modules"} & set(p.relative_to(ROOT).parts)
            and (n := len(p.read_text().splitlines())) > 300}
    assert long == {}


def comments(path):
    """The comment blocks of a file (runs of lines that hold only a comment), as [(first line, [texts])];
    a comment after code is a block of its own."""
    blocks = []
    for tok in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
        if tok.type == tokenize.COMMENT:
            alone = tok.line.strip().startswith("#")
            if alone and blocks and blocks[-1][2] and blocks[-1][0] + len(blocks[-1][1]) == tok.start[0]:
                blocks[-1][1].append(tok.string)
            else:
                blocks.append((tok.start[0], [tok.string], alone))
    return [(line, texts) for line, texts, _ in blocks]


HASH = re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{7,40}\b")
FIGURE = re.compile(r"\d\.\d{3,}|~\s?\d|\d(\.\d+)?\s?(ms|min)\b|\d(\.\d+)? s\b")  # a measured result, or a time it took


def test_module_headers_and_comments_stay_short_and_carry_no_history():
    """A module's docstring at most 8 lines, a comment block at most 3; no commit hashes or measured figures
    in comments (they belong in docs/ and the git log)."""
    faults = []
    for path in code_files() + sorted((ROOT / "tests").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        doc = (ast.get_docstring(ast.parse(path.read_text()), clean=False) or "").strip()
        if len(doc.splitlines()) > 8:
            faults.append(f"{name}: a docstring of {len(doc.splitlines())} lines")
        for line, block in comments(path):
            if len(block) > 3:
                faults.append(f"{name}:{line}: a comment block of {len(block)} lines")
            faults += [f"{name}:{line}: {text}" for text in block if HASH.search(text) or FIGURE.search(text)]
    assert not faults, "\n".join(faults)


def test_every_command_has_the_one_error_boundary():
    """Only training/cli.py prints a refusal's `error: ...` line or a stop's: a command raises a UserError
    (or is stopped) and its cli.main says so and picks the exit code."""
    printing = [str(p.relative_to(ROOT)) for p in code_files()
                if re.search(r"""print\(f?["'](\\n)?(error|interrupted|terminated)\b""", p.read_text())]
    assert printing == ["training/cli.py"]


def test_only_the_module_that_imports_tensorflow_sets_its_log_level():
    setting = [str(p.relative_to(ROOT)) for p in code_files() if "TF_CPP_MIN_LOG_LEVEL\", " in p.read_text()]
    assert setting == ["training/pipeline/quiet_tensorflow.py"]


def test_one_binary_cross_entropy_outside_tensorflow():
    """NumPy's BCE is pipeline/encoding.py's (clipped_logs, log_likelihoods, bce); inside a TensorFlow graph
    the loss is Keras' own, or critic.py's likeness, which needs gradients."""
    computing = {str(p.relative_to(ROOT)) for p in code_files() if re.search(r"log\(1 - ", p.read_text())}
    assert computing == {"training/pipeline/encoding.py", "training/pipeline/critic.py"}


# The page's scripts (web/static/js) by role: the entry point and shared leaves at the top, then runtime/
# (the worker, the model interpreter, backends, weights), explorer/ (the explorer and what sits beside it),
# figures/ (the sections below it), font/ (the handwriting font); each imports only what PAGE_MAY_IMPORT names.
PAGE = ROOT / "web" / "static" / "js"
PAGE_FOLDERS = {"runtime", "explorer", "figures", "font"}
PAGE_TOP = {"main.js", "boot.js", "contract.js", "dom.js", "meta_file.js"}
PAGE_MAY_IMPORT = {
    "runtime": {"runtime", "contract.js"},
    "explorer": {"runtime", "explorer", "contract.js", "dom.js", "meta_file.js"},
    "figures": {"figures", "contract.js", "dom.js", "meta_file.js"},
    "font": {"font", "explorer", "contract.js", "dom.js"},
    "dom.js": set(), "contract.js": set(), "boot.js": set(), "meta_file.js": set(),
    "main.js": PAGE_FOLDERS | {"contract.js", "dom.js", "meta_file.js"},
}
JS_IMPORT = re.compile(r"""(?:\bfrom|\bimport)\s*\(?\s*['"](\.\.?/[^'"]+)['"]""")
MAX_LINES = 300
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


def test_the_font_s_lazy_modules_share_nothing_with_the_first_load():
    """font/start.js (in the first load) hands the page's state and helpers to the rest of font/: a module
    both imported would go into a chunk of its own, loaded with the first digit."""
    wrong = [f"{p.relative_to(PAGE)} imports {t.relative_to(PAGE)}" for p in sorted((PAGE / "font").glob("*.js"))
             if p.name != "start.js" for t in js_imports(p) if page_part(t) != "font" or t.name == "start.js"]
    assert not wrong, wrong


def test_each_page_folder_imports_only_what_it_may():
    wrong = []
    for path in sorted(PAGE.rglob("*.js")):
        allowed = PAGE_MAY_IMPORT.get(page_part(path), set())
        wrong += [f"{path.relative_to(PAGE)} imports {t.relative_to(PAGE)}" for t in js_imports(path)
                  if page_part(t) not in allowed or not t.exists()]
    assert not wrong, wrong


def test_every_script_is_at_most_300_lines():
    long = {str(p.relative_to(ROOT)): n for p in tracked("*.js", "*.mjs") if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}


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
