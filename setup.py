"""Build the Cython kernels in ``ext/`` into ``lcpipe._ext`` (OpenMP when available)."""

import os
import sys
import tempfile
from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


def _compiler_has_openmp(compiler) -> bool:
    """Return True when a trivial OpenMP program compiles and links with ``-fopenmp``."""
    if sys.platform == "win32" or os.environ.get("LCPIPE_NO_OPENMP"):
        return False
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "omp_probe.c"
        src.write_text("#include <omp.h>\nint main(void){return omp_get_max_threads() > 0 ? 0 : 1;}\n")
        try:
            objs = compiler.compile([str(src)], output_dir=tmp, extra_postargs=["-fopenmp"])
            compiler.link_executable(objs, str(Path(tmp) / "omp_probe"), extra_postargs=["-fopenmp"])
        except Exception:
            return False
    return True


class BuildExtWithOptionalOpenMP(build_ext):
    """Add ``-fopenmp`` to every extension when the compiler supports it; build serial otherwise."""

    def build_extensions(self):
        openmp = _compiler_has_openmp(self.compiler)
        if not openmp:
            print("lcpipe: OpenMP not available, building serial kernels", file=sys.stderr)
        for ext in self.extensions:
            ext.extra_compile_args = ["-O3", *(["-fopenmp"] if openmp else [])]
            ext.extra_link_args = ["-fopenmp"] if openmp else []
        super().build_extensions()


# Every ext/*.pyx is one module of lcpipe._ext; the C headers beside them are found through include_dirs
# and listed as dependencies (a changed header rebuilds, and the sdist carries it).
extensions = [
    Extension(
        f"lcpipe._ext.{pyx.stem}",
        [str(pyx)],
        include_dirs=["ext"],
        depends=[str(h) for h in sorted(Path("ext").glob("*.h"))],
    )
    for pyx in sorted(Path("ext").glob("*.pyx"))
]

setup(
    ext_modules=cythonize(
        extensions,
        compiler_directives={"language_level": 3},
    ),
    cmdclass={"build_ext": BuildExtWithOptionalOpenMP},
)
