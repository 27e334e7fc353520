"""The on-screen character order measurement of console_crawl.py, for other browser scripts.

console_crawl.py runs its crawl when imported, so its helpers are taken from its source instead: the
STATE, MEASURE and RUN_OF page scripts and the visual_order, measure_string and wait_next functions,
run in a namespace of the caller's driver, result (with a "measurements" object) and fail(where, what).
One measurement, then, for the console crawl and every script that loads it.
"""
import ast
import os

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

NAMES = ("STATE", "MEASURE", "RUN_OF", "visual_order", "measure_string", "wait_next")


def load(driver, result, fail):
    """The helpers, as a dict by name, bound to `driver`, `result` and `fail`."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "console_crawl.py")
    with open(path, encoding="utf-8") as file:
        tree = ast.parse(file.read(), path)

    def wanted(node):
        if isinstance(node, ast.FunctionDef):
            return node.name in NAMES
        return isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id in NAMES for target in node.targets)

    namespace = {
        "driver": driver, "result": result, "fail": fail, "By": By, "WebDriverException": WebDriverException,
        "WebDriverWait": WebDriverWait, "expected_conditions": expected_conditions,
    }
    module = ast.Module(body=[node for node in tree.body if wanted(node)], type_ignores=[])
    exec(compile(module, path, "exec"), namespace)  # noqa: S102 - the repository's own script
    missing = [name for name in NAMES if name not in namespace]
    if missing:
        raise RuntimeError(f"console_crawl.py no longer defines {missing}")
    return {name: namespace[name] for name in NAMES}
