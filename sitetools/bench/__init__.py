"""The benchmark program: every speed figure on the site comes from here
(`python -m sitetools.bench`).

measure.py times a callable; cases/ holds the cases, one module per chapter; cli.py is the
command line.
"""
