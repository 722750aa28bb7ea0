"""The flow is one-way: no module of training/ imports (even lazily, inside a function) a module that
imports it back, and the site build never reaches TensorFlow's side."""
import ast

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
