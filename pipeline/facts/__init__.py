"""Article text -> facts: numbers, quantities with units, mentions of projects, companies,
places and periods, the rules that type a figure, and the reader that walks an article."""
from pipeline.compiled import use_compiled

# The modules below are imported from mypyc's build of them when one of these very sources exists
# (pipeline/compiled.py); otherwise from their .py files.
COMPILED = use_compiled(__name__, __path__)
