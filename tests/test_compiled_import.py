"""The compiled module must be the one imported, even when tests run from the repository root."""

import importlib

import lcpipe


def test_compiled_kernels_import_from_installed_package():
    module = importlib.import_module("lcpipe._ext.residual_scan")
    assert module.__file__.endswith((".so", ".pyd"))
    assert module.__name__.startswith(lcpipe.__name__)
