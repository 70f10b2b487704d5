"""Hypothesis keeps its files in a temporary directory, not in the working tree."""
import tempfile

from hypothesis import configuration

configuration.set_hypothesis_home_dir(tempfile.mkdtemp(prefix="portal-hypothesis-"))
