"""Builds fluxon's C++ extension with CMake for `pip install .` (see pyproject.toml).

The extension is the CMake target `_core` (bindings/); this only drives CMake and copies the
built module into the package, so pip, CMake and scripts/build.sh build it the same way.
"""
import os
import pathlib
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent


class cmake_build_ext(build_ext):
    def build_extension(self, ext):
        build_dir = pathlib.Path(os.environ.get("FLUXON_BUILD_DIR") or pathlib.Path(self.build_temp, "cmake"))
        if not (build_dir / "CMakeCache.txt").exists():
            subprocess.check_call(["cmake", "-S", str(ROOT), "-B", str(build_dir), "-G", "Ninja",
                                   "-DCMAKE_BUILD_TYPE=Release", "-DFLUXON_WITH_TESTS=OFF",
                                   f"-DFLUXON_PYTHON={sys.executable}"])
        subprocess.check_call(["cmake", "--build", str(build_dir), "--target", "_core", "-j", str(os.cpu_count() or 1)])
        built = sorted((build_dir / "python" / "fluxon").glob("_core*.so"))
        if not built:
            raise RuntimeError(f"CMake built no fluxon/_core*.so under {build_dir}")
        target = pathlib.Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[-1], target)


setup(ext_modules=[Extension("fluxon._core", sources=[])], cmdclass={"build_ext": cmake_build_ext},
      options={"build": {"build_base": "build-python"}})
