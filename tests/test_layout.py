"""The flow is one-way: no module of training/ imports (even lazily, inside a function) a module that
imports it back, and the site build never reaches TensorFlow's side."""
import ast
import io
import re
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
    assert reached == {"training.meta", "training.folders"}


# The folders of training/ by role (docs/ARCHITECTURE.md, "Folders"): the commands at the top, one module each,
# so every documented `python -m training.NAME` is training/NAME.py; what they share in the folder of its role.
FOLDERS = {"pipeline", "export", "measure"}
COMMANDS = {"baselines", "compression", "convert", "encoding", "legibility", "meta", "neighbours", "reader", "realism",
            "realism_table", "report", "train", "watched"}
CONTRACT = {"training.meta", "training.folders"}  # standard library only: the site build borrows them
MAY_IMPORT = {"pipeline": {"pipeline"}, "export": {"pipeline", "export"}, "measure": {"pipeline", "export", "measure"}}
SITE_BUILD = ("build.py", "model_folder.py", "model_json.py", "plain_files.py", "serve.py")


def code_files():
    return sorted((ROOT / "training").rglob("*.py")) + [ROOT / name for name in SITE_BUILD]


def test_training_holds_the_commands_the_contract_and_the_folders_by_role():
    assert {p.name for p in (ROOT / "training").iterdir() if p.is_dir() and p.name != "__pycache__"} == FOLDERS
    top = {p.stem for p in (ROOT / "training").glob("*.py")} - {"__init__"}
    assert top == COMMANDS | {"folders"}
    for name in COMMANDS:
        assert 'if __name__ == "__main__":' in (ROOT / "training" / f"{name}.py").read_text(), name


def test_the_folders_import_one_way_and_never_a_command():
    for module, targets in graph().items():
        parts = module.split(".")
        if len(parts) == 3:
            allowed = {f"training.{folder}" for folder in MAY_IMPORT[parts[1]]}
            wrong = {t for t in targets if t not in CONTRACT and ".".join(t.split(".")[:2]) not in allowed}
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
    for path in code_files():
        name = str(path.relative_to(ROOT))
        doc = (ast.get_docstring(ast.parse(path.read_text()), clean=False) or "").strip()
        if len(doc.splitlines()) > 8:
            faults.append(f"{name}: a docstring of {len(doc.splitlines())} lines")
        for line, block in comments(path):
            if len(block) > 3:
                faults.append(f"{name}:{line}: a comment block of {len(block)} lines")
            faults += [f"{name}:{line}: {text}" for text in block if HASH.search(text) or FIGURE.search(text)]
    assert not faults, "\n".join(faults)


def test_only_the_module_that_imports_tensorflow_sets_its_log_level():
    setting = [str(p.relative_to(ROOT)) for p in code_files() if "TF_CPP_MIN_LOG_LEVEL\", " in p.read_text()]
    assert setting == ["training/pipeline/quiet_tensorflow.py"]


def test_one_binary_cross_entropy_outside_tensorflow():
    """NumPy's BCE is pipeline/encoding.py's (clipped_logs, log_likelihoods, bce); inside a TensorFlow graph
    the loss is Keras' own, or critic.py's likeness, which needs gradients."""
    computing = {str(p.relative_to(ROOT)) for p in code_files() if re.search(r"log\(1 - ", p.read_text())}
    assert computing == {"training/pipeline/encoding.py", "training/pipeline/critic.py"}
