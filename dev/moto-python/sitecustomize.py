"""Loaded by the Python that runs moto_server when dev/moto.ts starts it (this folder leads PYTHONPATH).

moto's EventBridge builds every target's input with jsonpath_ng's parse, which rebuilds a PLY parser for
each of eight paths, on every event and every target: about 30 ms a path, so 0.25-0.75 s per PutEvents
that a rule matches (and routekeeper's stack has a rule for every event it publishes: the event log).
parse is a pure function of its string, so its results are cached here; what moto answers is unchanged.
A sitecustomize the interpreter had before this folder was put first is still run, after this one.
"""

import functools
import importlib.machinery
import importlib.util
import os
import sys

try:
    import jsonpath_ng.ext as _jsonpath_ext

    _jsonpath_ext.parse = functools.lru_cache(maxsize=1024)(_jsonpath_ext.parse)
except ImportError:  # a moto without jsonpath_ng: nothing to speed up
    pass

_here = os.path.dirname(os.path.abspath(__file__))
_rest = [path for path in sys.path if os.path.abspath(path or ".") != _here]
_spec = importlib.machinery.PathFinder.find_spec("sitecustomize", _rest)
if _spec is not None and _spec.loader is not None:
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
