# -*- coding: utf-8 -*-
# Copyright: fusion.pos contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for ansible-test's pip bootstrap script (get-pip-<version>.py).

ansible-test creates each sanity virtual environment without pip and then runs a ``get-pip``
script that it downloads from ci-files.testing.ansible.com, which this project cannot reach.
tools/sanity copies this file to ``~/.ansible/test/cache/get_pip_<version>.py``, where
ansible-test looks first. It is run as ``python get_pip.py [pip options] pip==X [--no-setuptools]
[--no-wheel]`` inside the new environment: seed pip from the interpreter's bundled wheel
(``ensurepip``, no network), then install the requested pip from the ordinary package index.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ("--no-setuptools", "--no-wheel")


def main():
    """Install pip (the version ansible-test asks for) into the running interpreter's environment."""
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet"] + args)
    if "--no-setuptools" in sys.argv:
        # ensurepip of Python < 3.12 also seeds setuptools; get-pip would not have installed it
        subprocess.call([sys.executable, "-m", "pip", "uninstall", "--quiet", "--yes", "setuptools"])


if __name__ == "__main__":
    main()
