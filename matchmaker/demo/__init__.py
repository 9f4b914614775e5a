"""Demo data: services that seed organizations, accounts, achievements (CSL corpus) and needs."""
import os

from .people import DemoLogin
from .seed import SeedResult, seed_demo

DATA_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "data"))
CORPUS_FILE = os.path.join(DATA_DIR, "csl_achievements.jsonl.gz")
NEEDS_FILE = os.path.join(DATA_DIR, "demo_needs.json")

__all__ = ["CORPUS_FILE", "NEEDS_FILE", "DemoLogin", "SeedResult", "seed_demo"]
